using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// What a peer does with each piece it receives, on one thread: SHA-256 from the previous piece's link of the
/// content's chain, compared with the seed's digest (<see cref="PieceDigest"/>), then
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
        // The pieces' links of the SHA-256 chain, as the seed would publish them (computed outside the timings).
        var links = new PieceDigest[count + 1];
        links[0] = PieceDigest.Initial;
        using (var chain = Sha256Chain.Start())
        {
            for (var n = 0; n < count; n++)
            {
                chain.Append(buffers[n % Distinct]);
                links[n + 1] = chain.EndOfPiece(last: n == count - 1)!.Value;
            }
        }
        var store = new ContentStore(new ContentStoreOptions { Directory = directory, ReservedFreeBytes = 0 }, NullLogger<ContentStore>.Instance);

        var hashOnly = await Rate(count, () =>
        {
            for (var n = 0; n < count; n++)
            {
                Check(Verify(n, buffers[n % Distinct]), links[n + 1]);
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
                var piece = new Piece(n, (long)n * PieceSize, PieceSize, links[n + 1]);
                Check(Verify(n, data), piece.Digest);
                await content.WritePieceAsync(piece, data, cancellationToken);
            }
        });
        File.Delete(Path.Combine(directory, "write-only"));
        var rates = new Rates(verifyAndWrite, hashOnly, writeOnly);
        content.Discard();
        return rates;

        // What a peer does with a piece it received: SHA-256 from the previous piece's link over its bytes.
        PieceDigest? Verify(int n, byte[] data)
        {
            using var chain = Sha256Chain.Resume(links[n], (long)n * PieceSize);
            chain.Append(data);
            return chain.EndOfPiece(last: n == count - 1);
        }
    }

    private static async Task<double> Rate(int pieces, Func<Task> run)
    {
        var started = TimeProvider.System.GetTimestamp();
        await run();
        return (double)pieces * PieceSize / (1 << 20) / TimeProvider.System.GetElapsedTime(started).TotalSeconds;
    }

    private static void Check(PieceDigest? actual, PieceDigest expected)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException("digest mismatch");
        }
    }
}
