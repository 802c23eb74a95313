using System.Buffers.Binary;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// A read-only, seekable stream of <c>length</c> incompressible pseudo-random bytes: byte <c>p</c> is byte
/// <c>p % 8</c> of SplitMix64(seed, block <c>p / 8</c>), so the content depends only on the seed, never on how it is read.
/// Several GB/s, far faster than gzip, so building a large layer costs only its compression.
/// </summary>
internal sealed class PseudoRandomStream(long length, ulong seed) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, Math.Max(0, length - _position));
        Span<byte> block = stackalloc byte[8];
        for (var i = 0; i < count;)
        {
            var position = _position + i;
            var within = (int)(position % 8);
            var take = Math.Min(8 - within, count - i);
            if (within == 0 && take == 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], Mix(seed, (ulong)(position / 8)));
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(block, Mix(seed, (ulong)(position / 8)));
                block.Slice(within, take).CopyTo(buffer[i..]);
            }
            i += take;
        }
        _position += count;
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        SeekOrigin.End => length + offset,
        _ => throw new ArgumentOutOfRangeException(nameof(origin)),
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private static ulong Mix(ulong seed, ulong block)
    {
        var z = seed + (block + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
