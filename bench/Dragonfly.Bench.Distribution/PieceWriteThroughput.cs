using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// What a peer does with each piece it receives, on one thread: SHA-256 against the seed's digest, then
/// <see cref="StoredContent.WritePieceAsync"/> at its offset in the pre-allocated file (page cache of the
/// store's disk). Beside it, in the same run, the two halves alone: SHA-256 only, and positional writes only (in
/// writes of the store's size, <see cref="StoredContent.MaxWriteSize"/>).
/// </summary>
public static class PieceWriteThroughput
{
    private const int PieceSize = 4 << 20;
    private const int Distinct = 4;

    public sealed record Rates(double VerifyAndWrite, double HashOnly, double WriteOnly);

    /// <returns>MiB/s of each.</returns>
    public static async Task<Rates> MeasureAsync(string directory, long totalBytes, CancellationToken cancellationToken)
    {
        var count = (int)(totalBytes / PieceSize);
        var buffers = Enumerable.Range(0, Distinct).Select(_ => RandomNumberGenerator.GetBytes(PieceSize)).ToArray();
        var digests = buffers.Select(b => Digest.Compute(b)).ToArray();
        var store = new ContentStore(new ContentStoreOptions { Directory = directory, ReservedFreeBytes = 0 }, NullLogger<ContentStore>.Instance);

        var hashOnly = await Rate(count, () =>
        {
            for (var n = 0; n < count; n++)
            {
                Check(Digest.FromHash(SHA256.HashData(buffers[n % Distinct])), digests[n % Distinct]);
            }
            return Task.CompletedTask;
        });
        var writeOnly = await Rate(count, () =>
        {
            using var handle = File.OpenHandle(Path.Combine(directory, "write-only"), FileMode.Create, FileAccess.Write, FileShare.None, FileOptions.Asynchronous, totalBytes);
            for (var n = 0; n < count; n++)
            {
                StoredContent.WriteInSteps(handle, buffers[n % Distinct], (long)n * PieceSize);
            }
            return Task.CompletedTask;
        });
        var content = store.GetOrCreate(new ContentKey("http://127.0.0.2/piece-write").ToTaskId());
        content.SetLayout(totalBytes, PieceSize);
        var verifyAndWrite = await Rate(count, async () =>
        {
            for (var n = 0; n < count; n++)
            {
                var data = buffers[n % Distinct];
                var piece = new Piece(n, (long)n * PieceSize, PieceSize, digests[n % Distinct]);
                Check(Digest.FromHash(SHA256.HashData(data)), piece.Digest);
                await content.WritePieceAsync(piece, data, cancellationToken);
            }
        });
        File.Delete(Path.Combine(directory, "write-only"));
        var rates = new Rates(verifyAndWrite, hashOnly, writeOnly);
        content.Discard();
        return rates;
    }

    private static async Task<double> Rate(int pieces, Func<Task> run)
    {
        var started = TimeProvider.System.GetTimestamp();
        await run();
        return (double)pieces * PieceSize / (1 << 20) / TimeProvider.System.GetElapsedTime(started).TotalSeconds;
    }

    private static void Check(Digest actual, Digest expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException("digest mismatch");
        }
    }
}
