using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;

namespace Dragonfly.Bench.Distribution;

/// <summary>A seed for the in-process scheduler benchmark: it fetches nothing and announces whatever it is told to.</summary>
public sealed class ScriptedSeed : ISeed
{
    private ISeedObserver? _observer;

    public HostInfo Host { get; } = new() { Id = "bench-seed", Ip = "127.0.0.3", DownloadPort = 8001 };

    public string PeerId => "seed-" + Host.Id;

    public SeedSnapshot? TryGetCompleted(TaskId taskId) => null;

    public void StartFetch(TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, ISeedObserver observer) => _observer = observer;

    /// <summary>Announces a whole task: its layout, every piece, completion.</summary>
    public void AnnounceAll(TaskId taskId, int pieces, int pieceSize)
    {
        var observer = _observer ?? throw new InvalidOperationException("no fetch was started");
        var length = (long)pieces * pieceSize;
        observer.LayoutKnown(taskId, length, pieceSize);
        for (var k = 0; k < pieces; k++)
        {
            observer.PieceStored(taskId, new Piece(k, (long)k * pieceSize, pieceSize, PieceDigest.Final(Digest.Compute(BitConverter.GetBytes(k)))));
        }
        observer.Completed(taskId, length, null);
    }
}
