using System.Numerics;

namespace Dragonfly.Core.Pieces;

/// <summary>
/// Which pieces are held. Bit i is piece i, most significant bit of byte 0 first (the BitTorrent order),
/// which is also the wire form. Grows on demand for content whose length is not yet known. Not thread-safe.
/// </summary>
public sealed class Bitfield
{
    private byte[] _bytes;

    public Bitfield(int capacity = 0) => _bytes = new byte[(Math.Max(capacity, 0) + 7) / 8];

    private Bitfield(byte[] bytes, int count)
    {
        _bytes = bytes;
        Count = count;
    }

    /// <summary>Number of set bits.</summary>
    public int Count { get; private set; }

    /// <summary>Number of bits that fit without growing.</summary>
    public int Capacity => _bytes.Length * 8;

    public bool this[int index] => index >= 0 && index < Capacity && (_bytes[index >> 3] & Mask(index)) != 0;

    /// <summary>Sets bit <paramref name="index"/>; returns false when it was already set.</summary>
    public bool Set(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index >= Capacity)
        {
            Array.Resize(ref _bytes, Math.Max(index / 8 + 1, _bytes.Length * 2));
        }
        ref var b = ref _bytes[index >> 3];
        if ((b & Mask(index)) != 0)
        {
            return false;
        }
        b |= Mask(index);
        Count++;
        return true;
    }

    public bool Clear(int index)
    {
        if (!this[index])
        {
            return false;
        }
        _bytes[index >> 3] &= (byte)~Mask(index);
        Count--;
        return true;
    }

    /// <summary>True when every bit in [0, count) is set.</summary>
    public bool HasAll(int count) => Count >= count && Enumerable.Range(0, count).All(i => this[i]);

    /// <summary>How many bits are set here and not in <paramref name="other"/>.</summary>
    public int CountNotIn(Bitfield other)
    {
        var count = 0;
        for (var i = 0; i < _bytes.Length; i++)
        {
            var theirs = i < other._bytes.Length ? other._bytes[i] : (byte)0;
            count += BitOperations.PopCount((uint)(_bytes[i] & ~theirs & 0xFF));
        }
        return count;
    }

    /// <summary>
    /// Whether some bit set in <paramref name="now"/> and not in <paramref name="before"/> (both in the wire form)
    /// is missing here: whether the news between two offers includes a piece this holder lacks.
    /// </summary>
    public bool LacksAnyAdded(ReadOnlySpan<byte> now, ReadOnlySpan<byte> before)
    {
        for (var i = 0; i < now.Length; i++)
        {
            var added = now[i] & ~(i < before.Length ? before[i] : 0);
            var mine = i < _bytes.Length ? _bytes[i] : 0;
            if ((added & ~mine & 0xFF) != 0)
            {
                return true;
            }
        }
        return false;
    }

    public IEnumerable<int> SetBits()
    {
        for (var i = 0; i < Capacity; i++)
        {
            if (this[i])
            {
                yield return i;
            }
        }
    }

    /// <summary>The wire form, trimmed to <paramref name="bitCount"/> bits.</summary>
    public byte[] ToBytes(int bitCount)
    {
        var result = new byte[(bitCount + 7) / 8];
        Array.Copy(_bytes, result, Math.Min(result.Length, _bytes.Length));
        if (bitCount % 8 != 0 && result.Length > 0)
        {
            result[^1] &= (byte)(0xFF << (8 - bitCount % 8));
        }
        return result;
    }

    public static Bitfield FromBytes(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        var count = 0;
        foreach (var b in copy)
        {
            count += BitOperations.PopCount(b);
        }
        return new Bitfield(copy, count);
    }

    public Bitfield Clone() => new((byte[])_bytes.Clone(), Count);

    private static byte Mask(int index) => (byte)(0x80 >> (index & 7));
}
