using System.Buffers;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Storage;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>
/// The whole-content digest, computed while the download runs: each time more bytes from the front are held
/// (pieces arrive out of order), they are read back (from the page cache) and hashed, so at the end only
/// the last pieces remain to hash instead of the whole content.
/// </summary>
internal sealed class ContentVerifier : IDisposable
{
    private const int ChunkSize = 1024 * 1024;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Bytes hashed so far, all from the start of the content.</summary>
    public long Hashed { get; private set; }

    /// <summary>Hashes every held byte that directly follows what is already hashed.</summary>
    public async Task AdvanceAsync(StoredContent content, CancellationToken cancellationToken)
    {
        var run = content.HeldRunFrom(Hashed);
        if (run <= 0)
        {
            return;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var end = Hashed + run;
            while (Hashed < end)
            {
                var read = await content.ReadAsync(Hashed, buffer.AsMemory(0, (int)Math.Min(ChunkSize, end - Hashed)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"content of task {content.Id} ends at {Hashed}, although its pieces up to {end} are held");
                }
                _hash.AppendData(buffer, 0, read);
                Hashed += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes what is left and returns the digest of all <paramref name="length"/> bytes.</summary>
    public async Task<Digest> FinishAsync(StoredContent content, long length, CancellationToken cancellationToken)
    {
        await AdvanceAsync(content, cancellationToken);
        if (Hashed != length)
        {
            throw new IOException($"only {Hashed} of {length} bytes of task {content.Id} are held at the end of the download");
        }
        return Digest.FromHash(_hash.GetHashAndReset());
    }

    public void Dispose() => _hash.Dispose();
}
