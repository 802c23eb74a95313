using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Dragonfly.Core.Pieces;

/// <summary>
/// A SHA-256 computation that can stop at any 64-byte block boundary and hand out its chaining value
/// (<see cref="Midstate"/>), and that can start again from such a value at a given offset (<see cref="Resume"/>):
/// what the pieces' digests are made of (<see cref="PieceDigest"/>).
/// </summary>
/// <remarks>
/// .NET's hash classes do not expose the chaining value, so this uses libcrypto's SHA-256 (the library .NET's
/// own SHA-256 uses on Linux; it runs on the CPU's SHA instructions) and sets or reads the context's state words.
/// The context's layout is part of OpenSSL's public headers and has not changed since 0.9.8; still, it is checked
/// against .NET's SHA-256 once per process, and without libcrypto, or if the check fails, a managed implementation
/// of the same function is used (correct, several times slower).
/// </remarks>
public sealed class Sha256Chain : IDisposable
{
    private readonly IBackend _backend;

    private Sha256Chain(IBackend backend) => _backend = backend;

    /// <summary>"libcrypto" or "managed": which implementation this process uses.</summary>
    public static string Implementation => Native.Value is not null ? "libcrypto" : "managed";

    /// <summary>Bytes hashed, counted from the start of the content (resumed chains start at their offset).</summary>
    public long Length => _backend.Length;

    /// <summary>A chain at the start of the content.</summary>
    public static Sha256Chain Start() => Resume(PieceDigest.Initial, 0);

    /// <summary>
    /// A chain that continues from <paramref name="midstate"/>, the chaining value after the first
    /// <paramref name="offset"/> bytes of the content (a multiple of 64).
    /// </summary>
    public static Sha256Chain Resume(PieceDigest midstate, long offset)
    {
        if (midstate.IsFinal)
        {
            throw new ArgumentException("a chain resumes from a chaining value, not from a whole-content digest", nameof(midstate));
        }
        if (offset < 0 || offset % 64 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "a chain resumes at a multiple of 64 bytes");
        }
        IBackend backend = Native.Value is { } native ? new NativeBackend(native) : new ManagedBackend();
        backend.Set(WordsOf(midstate), offset);
        return new Sha256Chain(backend);
    }

    /// <summary>The eight state words of a chaining value (its hex is the words, big-endian).</summary>
    private static uint[] WordsOf(PieceDigest midstate)
    {
        var bytes = Convert.FromHexString(midstate.Hex);
        var words = new uint[8];
        for (var k = 0; k < 8; k++)
        {
            words[k] = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 * k));
        }
        return words;
    }

    public void Append(ReadOnlySpan<byte> data) => _backend.Append(data);

    /// <summary>The chaining value now; only at a 64-byte boundary (anywhere else the state holds a partial block).</summary>
    public PieceDigest Midstate()
    {
        if (Length % 64 != 0)
        {
            throw new InvalidOperationException($"the chaining value exists only at a 64-byte boundary; {Length} bytes are hashed");
        }
        Span<uint> words = stackalloc uint[8];
        _backend.Get(words);
        Span<byte> bytes = stackalloc byte[32];
        for (var k = 0; k < 8; k++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes[(4 * k)..], words[k]);
        }
        return PieceDigest.Midstate(Convert.ToHexStringLower(bytes));
    }

    /// <summary>
    /// Where a piece that ends here leaves the chain: the content's digest when it is the <paramref name="last"/>
    /// piece, the chaining value otherwise; null when a piece that is not the last ends off a 64-byte boundary.
    /// </summary>
    public PieceDigest? EndOfPiece(bool last) =>
        last ? PieceDigest.Final(Finish()) : Length % 64 == 0 ? Midstate() : null;

    /// <summary>Pads and finishes: the SHA-256 of all <see cref="Length"/> bytes. The chain is done afterwards.</summary>
    public Digest Finish() => _backend.Finish();

    public void Dispose() => _backend.Dispose();

    private interface IBackend : IDisposable
    {
        long Length { get; }

        void Set(ReadOnlySpan<uint> words, long offset);

        void Get(Span<uint> words);

        void Append(ReadOnlySpan<byte> data);

        Digest Finish();
    }

    private static readonly Lazy<LibCrypto?> Native = new(LibCrypto.TryLoad);

    /// <summary>libcrypto's SHA256_Init/Update/Final, found at run time.</summary>
    private sealed unsafe class LibCrypto
    {
        // typedef struct { unsigned int h[8]; unsigned int Nl, Nh; unsigned int data[16]; unsigned int num, md_len; } SHA256_CTX;
        internal const int ContextSize = 112;
        internal const int NlOffset = 32;
        internal const int NhOffset = 36;
        internal const int NumOffset = 104;

        internal delegate* unmanaged<byte*, int> Init;
        internal delegate* unmanaged<byte*, byte*, nuint, int> Update;
        internal delegate* unmanaged<byte*, byte*, int> Final;

        internal static LibCrypto? TryLoad()
        {
            foreach (var name in new[] { "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so", "libcrypto.3.dylib" })
            {
                if (NativeLibrary.TryLoad(name, out var handle)
                    && NativeLibrary.TryGetExport(handle, "SHA256_Init", out var init)
                    && NativeLibrary.TryGetExport(handle, "SHA256_Update", out var update)
                    && NativeLibrary.TryGetExport(handle, "SHA256_Final", out var final))
                {
                    var library = new LibCrypto
                    {
                        Init = (delegate* unmanaged<byte*, int>)init,
                        Update = (delegate* unmanaged<byte*, byte*, nuint, int>)update,
                        Final = (delegate* unmanaged<byte*, byte*, int>)final,
                    };
                    if (library.AgreesWithDotNet())
                    {
                        return library;
                    }
                }
            }
            return null;
        }

        /// <summary>Hashes a message in two parts through a resumed midstate and compares with .NET's SHA-256.</summary>
        private bool AgreesWithDotNet()
        {
            var message = new byte[1000];
            for (var k = 0; k < message.Length; k++)
            {
                message[k] = (byte)(k * 7 + 3);
            }
            Span<uint> words = stackalloc uint[8];
            using (var first = new NativeBackend(this))
            {
                first.Set(WordsOf(PieceDigest.Initial), 0);
                first.Append(message.AsSpan(0, 640));
                first.Get(words);
            }
            using var second = new NativeBackend(this);
            second.Set(words, 640);
            second.Append(message.AsSpan(640));
            return second.Finish() == Digest.Compute(message);
        }
    }

    private sealed unsafe class NativeBackend(LibCrypto library) : IBackend
    {
        private byte* _context = (byte*)NativeMemory.AllocZeroed(LibCrypto.ContextSize);
        private long _length;

        public long Length => _length;

        public void Set(ReadOnlySpan<uint> words, long offset)
        {
            library.Init(_context);
            var h = (uint*)_context;
            for (var k = 0; k < 8; k++)
            {
                h[k] = words[k];
            }
            var bits = (ulong)offset * 8;
            *(uint*)(_context + LibCrypto.NlOffset) = (uint)bits;
            *(uint*)(_context + LibCrypto.NhOffset) = (uint)(bits >> 32);
            _length = offset;
        }

        public void Get(Span<uint> words)
        {
            var h = (uint*)_context;
            for (var k = 0; k < 8; k++)
            {
                words[k] = h[k];
            }
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            fixed (byte* p = data)
            {
                library.Update(_context, p, (nuint)data.Length);
            }
            _length += data.Length;
        }

        public Digest Finish()
        {
            Span<byte> digest = stackalloc byte[32];
            fixed (byte* d = digest)
            {
                library.Final(d, _context);
            }
            return Digest.FromHash(digest);
        }

        public void Dispose()
        {
            NativeMemory.Free(_context);
            _context = null;
        }
    }

    /// <summary>SHA-256 as FIPS 180-4 defines it, for machines without libcrypto.</summary>
    private sealed class ManagedBackend : IBackend
    {
        private static readonly uint[] K =
        [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        ];

        private readonly uint[] _h = new uint[8];
        private readonly byte[] _block = new byte[64];
        private int _filled;

        public long Length { get; private set; }

        public void Set(ReadOnlySpan<uint> words, long offset)
        {
            words.CopyTo(_h);
            _filled = 0;
            Length = offset;
        }

        public void Get(Span<uint> words) => _h.CopyTo(words);

        public void Append(ReadOnlySpan<byte> data)
        {
            Length += data.Length;
            if (_filled > 0)
            {
                var take = Math.Min(64 - _filled, data.Length);
                data[..take].CopyTo(_block.AsSpan(_filled));
                _filled += take;
                data = data[take..];
                if (_filled < 64)
                {
                    return;
                }
                Compress(_block);
                _filled = 0;
            }
            while (data.Length >= 64)
            {
                Compress(data[..64]);
                data = data[64..];
            }
            data.CopyTo(_block);
            _filled = data.Length;
        }

        public Digest Finish()
        {
            var bits = (ulong)Length * 8;
            Span<byte> padding = stackalloc byte[128];
            padding.Clear();
            padding[0] = 0x80;
            var padLength = (_filled < 56 ? 56 : 120) - _filled;
            BinaryPrimitives.WriteUInt64BigEndian(padding[padLength..], bits);
            var length = Length;
            Append(padding[..(padLength + 8)]);
            Length = length;
            Span<byte> digest = stackalloc byte[32];
            for (var k = 0; k < 8; k++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(digest[(4 * k)..], _h[k]);
            }
            return Digest.FromHash(digest);
        }

        private void Compress(ReadOnlySpan<byte> block)
        {
            Span<uint> w = stackalloc uint[64];
            for (var t = 0; t < 16; t++)
            {
                w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * t)..]);
            }
            for (var t = 16; t < 64; t++)
            {
                var s0 = uint.RotateRight(w[t - 15], 7) ^ uint.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
                var s1 = uint.RotateRight(w[t - 2], 17) ^ uint.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
                w[t] = w[t - 16] + s0 + w[t - 7] + s1;
            }
            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (var t = 0; t < 64; t++)
            {
                var t1 = h + (uint.RotateRight(e, 6) ^ uint.RotateRight(e, 11) ^ uint.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
                var t2 = (uint.RotateRight(a, 2) ^ uint.RotateRight(a, 13) ^ uint.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
                h = g;
                g = f;
                f = e;
                e = d + t1;
                d = c;
                c = b;
                b = a;
                a = t1 + t2;
            }
            _h[0] += a; _h[1] += b; _h[2] += c; _h[3] += d; _h[4] += e; _h[5] += f; _h[6] += g; _h[7] += h;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>For tests: a chain on the managed implementation whatever this process has.</summary>
    internal static Sha256Chain ResumeManaged(PieceDigest midstate, long offset)
    {
        var managed = new ManagedBackend();
        managed.Set(WordsOf(midstate), offset);
        return new Sha256Chain(managed);
    }
}
