using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>
/// The in-memory, closed-loop scheduler: no database, no external cache. Each task belongs to one shard
/// loop (by task id), which owns its state; this type only routes calls to shards as events.
/// </summary>
public sealed class Scheduler : ISeedObserver, IHostedService
{
    private readonly SchedulerShard[] _shards;
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stopping = new();

    public Scheduler(SchedulerOptions options, IParentEvaluator evaluator, HostHealth health, ISeed seed, ILogger<Scheduler> logger)
    {
        _shards = Enumerable.Range(0, options.Shards)
            .Select(i => new SchedulerShard(options, evaluator, health, seed, this, logger, randomSeed: i + 1))
            .ToArray();
    }

    public int TaskCount => _shards.Sum(s => s.TaskCount);

    public int PeerCount => _shards.Sum(s => s.PeerCount);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in _shards)
        {
            _loops.Add(Task.Run(() => shard.RunAsync(_stopping.Token), CancellationToken.None));
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in _shards)
        {
            shard.Complete();
        }
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The loops end by cancellation; anything else propagates.
        }
    }

    public Task<RegisterPeerTaskResponse> RegisterAsync(
        TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, string peerId, HostInfo host, CancellationToken cancellationToken)
    {
        var reply = NewReply<RegisterPeerTaskResponse>();
        ShardOf(taskId).Post(new RegisterPeerEvent(taskId, key, headers, peerId, host, reply));
        return reply.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Binds a peer's packet stream; returns null when bound, else why not.</summary>
    public Task<string?> OpenStreamAsync(TaskId taskId, string peerId, ChannelWriter<PeerPacket> outbound, CancellationToken cancellationToken)
    {
        var reply = NewReply<string?>();
        ShardOf(taskId).Post(new OpenStreamEvent(taskId, peerId, outbound, reply));
        return reply.Task.WaitAsync(cancellationToken);
    }

    public void ReportPiece(TaskId taskId, string peerId, PieceResult result) =>
        ShardOf(taskId).Post(new PieceReportEvent(taskId, peerId, result));

    public void ReportResult(TaskId taskId, string peerId, PeerResult result) =>
        ShardOf(taskId).Post(new PeerResultEvent(taskId, peerId, result));

    public void CloseStream(TaskId taskId, string peerId, ChannelWriter<PeerPacket> outbound) =>
        ShardOf(taskId).Post(new CloseStreamEvent(taskId, peerId, outbound));

    public void LeaveTask(TaskId taskId, string peerId) => ShardOf(taskId).Post(new LeaveTaskEvent(taskId, peerId));

    public void LeaveHost(string hostId)
    {
        foreach (var shard in _shards)
        {
            shard.Post(new LeaveHostEvent(hostId));
        }
    }

    public Task<PreheatResponse> PreheatAsync(TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        var reply = NewReply<PreheatResponse>();
        ShardOf(taskId).Post(new PreheatEvent(taskId, key, headers, reply));
        return reply.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The task's state, or null when this supernode knows nothing of it.</summary>
    public Task<StatTaskResponse?> StatAsync(TaskId taskId, CancellationToken cancellationToken)
    {
        var reply = NewReply<StatTaskResponse?>();
        ShardOf(taskId).Post(new StatTaskEvent(taskId, reply));
        return reply.Task.WaitAsync(cancellationToken);
    }

    void ISeedObserver.LayoutKnown(TaskId taskId, long contentLength, int pieceSize) =>
        ShardOf(taskId).Post(new SeedLayoutEvent(taskId, contentLength, pieceSize));

    void ISeedObserver.PieceStored(TaskId taskId, Piece piece) => ShardOf(taskId).Post(new SeedPieceEvent(taskId, piece));

    void ISeedObserver.Completed(TaskId taskId, long contentLength, string? contentDigest) =>
        ShardOf(taskId).Post(new SeedCompletedEvent(taskId, contentLength, contentDigest));

    void ISeedObserver.Failed(TaskId taskId, int sourceStatusCode, string error) =>
        ShardOf(taskId).Post(new SeedFailedEvent(taskId, sourceStatusCode, error));

    /// <summary>The seed's cache evicted a task's content; the scheduler forgets the task.</summary>
    public void ContentEvicted(TaskId taskId) => ShardOf(taskId).Post(new ContentEvictedEvent(taskId));

    /// <summary>Applies all queued events synchronously (tests and benchmarks drive the loop with this).</summary>
    internal void DrainForTesting()
    {
        foreach (var shard in _shards)
        {
            shard.Drain();
        }
    }

    private SchedulerShard ShardOf(TaskId taskId) =>
        _shards[(int)(Convert.ToUInt32(taskId.Value[..8], 16) % (uint)_shards.Length)];

    private static TaskCompletionSource<T> NewReply<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
