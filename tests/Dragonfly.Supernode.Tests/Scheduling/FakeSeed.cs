using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;

namespace Dragonfly.Supernode.Tests.Scheduling;

/// <summary>A seed the test drives by hand: it records fetch starts and announces what the test tells it to.</summary>
internal sealed class FakeSeed : ISeed
{
    private ISeedObserver? _observer;

    public HostInfo Host { get; } = new() { Id = "seed-host", Ip = "10.0.0.1", DownloadPort = 8001 };

    public List<TaskId> FetchesStarted { get; } = [];

    public Dictionary<TaskId, SeedSnapshot> Cached { get; } = [];

    public SeedSnapshot? TryGetCompleted(TaskId taskId) => Cached.GetValueOrDefault(taskId);

    public void StartFetch(TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, ISeedObserver observer)
    {
        FetchesStarted.Add(taskId);
        _observer = observer;
    }

    public void Store(TaskId taskId, long length, int pieceSize, params int[] pieces)
    {
        _observer!.LayoutKnown(taskId, length, pieceSize);
        foreach (var n in pieces)
        {
            _observer.PieceStored(taskId, PieceOf(n, pieceSize));
        }
    }

    public void Fail(TaskId taskId, int status, string error) => _observer!.Failed(taskId, status, error);

    public static Piece PieceOf(int number, int pieceSize) =>
        new(number, (long)number * pieceSize, pieceSize, PieceDigest.Final(Digest.Compute(BitConverter.GetBytes(number))));
}
