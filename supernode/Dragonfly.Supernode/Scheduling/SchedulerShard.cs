using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>
/// One scheduling loop. It alone owns the state of its tasks: events are applied one at a time in arrival
/// order; after each batch, every peer whose view changed gets one fresh packet (so bursts coalesce).
/// </summary>
internal sealed partial class SchedulerShard
{
    private const int MaxBatch = 4096;

    private readonly Channel<SchedulerEvent> _events = Channel.CreateUnbounded<SchedulerEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<TaskId, SchedulingTask> _tasks = [];
    private readonly List<SchedulingPeer> _dirty = [];
    private readonly ISeed _seed;
    private readonly ISeedObserver _seedObserver;
    private readonly HostHealth _health;
    private readonly ParentSelector _parents;
    private readonly SeedOfferPolicy _seedOffers;
    private readonly ILogger _logger;
    private readonly SchedulerOptions _options;

    public SchedulerShard(SchedulerOptions options, IParentEvaluator evaluator, HostHealth health, ISeed seed, ISeedObserver seedObserver, ILogger logger, int randomSeed)
    {
        var random = new Random(randomSeed);
        _options = options;
        _seed = seed;
        _seedObserver = seedObserver;
        _health = health;
        _parents = new ParentSelector(options, evaluator, health, random);
        _seedOffers = new SeedOfferPolicy(options, random);
        _logger = logger;
    }

    public int TaskCount { get; private set; }

    public int PeerCount { get; private set; }

    public void Post(SchedulerEvent e)
    {
        if (!_events.Writer.TryWrite(e))
        {
            throw new InvalidOperationException("the scheduler is stopped");
        }
    }

    public void Complete() => _events.Writer.TryComplete();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reader = _events.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var applied = 0;
            while (applied < MaxBatch && reader.TryRead(out var e))
            {
                try
                {
                    Apply(e);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug in one event must not stop scheduling for every task in the shard.
                    LogEventFailed(ex, e.GetType().Name);
                    FailReply(e, ex);
                }
                applied++;
            }
            Flush();
        }
    }

    /// <summary>Applies every queued event and flushes packets, synchronously. For tests and benchmarks.</summary>
    internal void Drain()
    {
        while (_events.Reader.TryRead(out var e))
        {
            Apply(e);
        }
        Flush();
    }

    private void Apply(SchedulerEvent e)
    {
        switch (e)
        {
            case RegisterPeerEvent r: Register(r); break;
            case OpenStreamEvent o: OpenStream(o); break;
            case PieceReportEvent p: OnPieceReport(p); break;
            case PeerResultEvent r: OnPeerResult(r); break;
            case CloseStreamEvent c: CloseStream(c); break;
            case LeaveTaskEvent l: Leave(l); break;
            case LeaveHostEvent h: LeaveHost(h); break;
            case SeedLayoutEvent s: OnSeedLayout(s); break;
            case SeedPieceEvent s: OnSeedPiece(s); break;
            case SeedCompletedEvent s: OnSeedCompleted(s); break;
            case SeedFailedEvent s: OnSeedFailed(s); break;
            case PreheatEvent p: Preheat(p); break;
            case StatTaskEvent s: Stat(s); break;
            case ContentEvictedEvent c: OnContentEvicted(c); break;
            default: throw new InvalidOperationException($"unknown scheduler event {e.GetType().Name}");
        }
        TaskCount = _tasks.Count;
        PeerCount = _tasks.Values.Sum(t => t.Peers.Count);
    }

    private static void FailReply(SchedulerEvent e, Exception ex)
    {
        switch (e)
        {
            case RegisterPeerEvent r: r.Reply.TrySetException(ex); break;
            case OpenStreamEvent o: o.Reply.TrySetException(ex); break;
            case PreheatEvent p: p.Reply.TrySetException(ex); break;
            case StatTaskEvent s: s.Reply.TrySetException(ex); break;
        }
    }

    private void MarkDirty(SchedulingPeer peer)
    {
        if (!peer.Dirty && !peer.IsSeed)
        {
            peer.Dirty = true;
            _dirty.Add(peer);
        }
    }

    private void MarkAllDirty(SchedulingTask task)
    {
        foreach (var peer in task.Peers.Values)
        {
            MarkDirty(peer);
        }
    }

    private void Flush()
    {
        foreach (var peer in _dirty)
        {
            peer.Dirty = false;
            if (peer.Outbound is null || !_tasks.TryGetValue(TaskOf(peer), out var task) || !task.Peers.ContainsKey(peer.Id))
            {
                continue;
            }
            if (task.State != TaskState.Failed)
            {
                _parents.Select(task, peer);
                _seedOffers.TopUp(task, peer);
                UpdateHunger(task, peer);
            }
            // A peer is marked dirty whenever something might change its plan (another peer's new piece, a
            // parent's progress); when nothing did, or only in pieces it already holds, the packet would only
            // make the daemon re-plan for nothing.
            var packet = PacketBuilder.Build(task, peer);
            if (PacketBuilder.Informs(packet, peer.LastSent, peer.Held))
            {
                peer.LastSent = packet;
                peer.Outbound.TryWrite(packet);
            }
        }
        _dirty.Clear();
    }

    private void UpdateHunger(SchedulingTask task, SchedulingPeer peer)
    {
        var hungry = peer.IsDownloading
            && (peer.Parents.Count < _options.MaxParents || !peer.Parents.Any(p => p.Held.CountNotIn(peer.Held) > 0));
        if (hungry)
        {
            task.Hungry.Add(peer);
        }
        else
        {
            task.Hungry.Remove(peer);
        }
    }

    private static TaskId TaskOf(SchedulingPeer peer) => peer.TaskId;

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler event {EventType} failed")]
    private partial void LogEventFailed(Exception exception, string eventType);
}
