using Dragonfly.Core;
using Dragonfly.Protocol.V1;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Supernode.Scheduling;

internal sealed partial class SchedulerShard
{
    private const string SeedPeerPrefix = "seed-";

    private SchedulingTask GetOrStartTask(TaskId id, ContentKey key, IReadOnlyDictionary<string, string> headers)
    {
        if (_tasks.TryGetValue(id, out var existing) && existing.State != TaskState.Failed)
        {
            return existing;
        }
        if (existing is not null)
        {
            // A failed attempt is retried by the next registration. Peers of the old attempt are told it failed
            // here, as their last packet: the failure's own packet may still be waiting for the next flush, which
            // no longer finds them in the task.
            foreach (var peer in existing.Peers.Values)
            {
                peer.Outbound?.TryWrite(PacketBuilder.Build(existing, peer));
                peer.Outbound?.TryComplete();
            }
        }
        var seedPeer = new SchedulingPeer(id, SeedPeerPrefix + _seed.Host.Id, _seed.Host, isSeed: true);
        var task = new SchedulingTask(id, key, headers, seedPeer);
        _tasks[id] = task;
        if (_seed.TryGetCompleted(id) is { } cached)
        {
            task.ContentLength = cached.ContentLength;
            task.PieceSize = cached.PieceSize;
            task.ContentDigest = cached.ContentDigest;
            foreach (var piece in cached.Pieces)
            {
                task.AddPiece(piece);
                seedPeer.Held.Set(piece.Number);
            }
            task.State = TaskState.Succeeded;
            seedPeer.Phase = PeerPhase.Succeeded;
            LogTaskFromCache(id, cached.ContentLength);
        }
        else
        {
            task.State = TaskState.Running;
            LogSeedStarting(id, key.Url);
            _seed.StartFetch(id, key, headers, _seedObserver);
        }
        return task;
    }

    private void Register(RegisterPeerEvent e)
    {
        var task = GetOrStartTask(e.TaskId, e.Key, e.Headers);
        if (task.Peers.TryGetValue(e.PeerId, out var peer))
        {
            peer.Host = e.Host;
        }
        else
        {
            task.Peers[e.PeerId] = new SchedulingPeer(e.TaskId, e.PeerId, e.Host, isSeed: false);
        }
        e.Reply.TrySetResult(new RegisterPeerTaskResponse
        {
            TaskId = task.Id.Value,
            State = task.State,
            ContentLength = task.ContentLength,
            PieceSize = task.PieceSize,
        });
    }

    private void OpenStream(OpenStreamEvent e)
    {
        if (!_tasks.TryGetValue(e.TaskId, out var task) || !task.Peers.TryGetValue(e.PeerId, out var peer))
        {
            e.Reply.TrySetResult($"peer {e.PeerId} is not registered for task {e.TaskId}; call RegisterPeerTask first");
            return;
        }
        peer.Outbound?.TryComplete();
        peer.Outbound = e.Outbound;
        peer.MetadataSent = new();
        peer.LastSent = null;
        if (peer.Phase == PeerPhase.Registered)
        {
            peer.Phase = PeerPhase.Running;
        }
        MarkDirty(peer);
        e.Reply.TrySetResult(null);
    }

    private void OnPieceReport(PieceReportEvent e)
    {
        if (!_tasks.TryGetValue(e.TaskId, out var task) || !task.Peers.TryGetValue(e.PeerId, out var peer))
        {
            return;
        }
        var r = e.Result;
        var parent = r.ParentId == task.Seed.Id ? task.Seed : task.Peers.GetValueOrDefault(r.ParentId);
        if (r.Success)
        {
            OnPieceSucceeded(task, peer, parent, r);
        }
        else
        {
            OnPieceFailed(task, peer, parent, r);
        }
    }

    private void OnPieceSucceeded(SchedulingTask task, SchedulingPeer peer, SchedulingPeer? parent, PieceResult r)
    {
        if (task.PieceAt(r.Number) is not { } piece)
        {
            LogUnknownPiece(task.Id, peer.Id, r.Number);
            return;
        }
        if (peer.SeedOffers.Remove(r.Number))
        {
            task.AddSeedInFlight(r.Number, -1);
        }
        if (peer.Held.Set(r.Number))
        {
            if (!peer.Excluded)
            {
                task.AddCopy(r.Number, 1);
            }
            foreach (var child in peer.Children)
            {
                if (!child.Held[r.Number])
                {
                    MarkDirty(child);
                }
            }
            foreach (var hungry in task.Hungry)
            {
                if (hungry != peer && !hungry.Held[r.Number])
                {
                    MarkDirty(hungry);
                }
            }
        }
        if (parent is not null && parent != peer)
        {
            parent.RecordUpload(piece.Size, r.CostMicros);
        }
        MarkDirty(peer);
    }

    private void OnPieceFailed(SchedulingTask task, SchedulingPeer peer, SchedulingPeer? parent, PieceResult r)
    {
        if (peer.SeedOffers.Remove(r.Number))
        {
            task.AddSeedInFlight(r.Number, -1);
        }
        MarkDirty(peer);
        if (parent is null)
        {
            // Expected when a parent dies: its children report the pieces in flight from it after it was removed.
            LogGoneParentPieceFailed(task.Id, peer.Id, r.ParentId, r.Number, r.Failure);
            return;
        }
        if (parent.IsSeed)
        {
            LogSeedPieceFailed(task.Id, peer.Id, r.Number, r.Failure, r.Detail);
            return;
        }
        LogParentFailed(task.Id, peer.Id, parent.Id, r.Number, r.Failure, r.Detail);
        if (r.Failure == PieceFailure.DigestMismatch)
        {
            _health.RecordCorruption(parent.Host.Id);
            Exclude(task, parent);
        }
        else
        {
            _health.RecordFailure(parent.Host.Id);
        }
    }

    /// <summary>Takes a parent out of the task for good: its pieces no longer count, its children lose it.</summary>
    private void Exclude(SchedulingTask task, SchedulingPeer parent)
    {
        if (parent.Excluded)
        {
            return;
        }
        parent.Excluded = true;
        foreach (var k in parent.Held.SetBits())
        {
            task.AddCopy(k, -1);
        }
        foreach (var child in parent.Children)
        {
            child.Parents.Remove(parent);
            MarkDirty(child);
        }
        parent.Children.Clear();
        LogParentExcluded(task.Id, parent.Id, parent.Host.Id);
    }

    private void OnPeerResult(PeerResultEvent e)
    {
        if (!_tasks.TryGetValue(e.TaskId, out var task) || !task.Peers.TryGetValue(e.PeerId, out var peer))
        {
            return;
        }
        if (!e.Result.Success)
        {
            LogPeerFailed(task.Id, peer.Id, e.Result.Error);
            RemovePeer(task, peer);
            return;
        }
        peer.Phase = PeerPhase.Succeeded;
        task.Hungry.Remove(peer);
        SeedOfferPolicy.Release(task, peer);
        ParentSelector.ClearParents(peer);
        foreach (var child in peer.Children)
        {
            MarkDirty(child);
        }
    }

    private void CloseStream(CloseStreamEvent e)
    {
        if (!_tasks.TryGetValue(e.TaskId, out var task) || !task.Peers.TryGetValue(e.PeerId, out var peer) || peer.Outbound != e.Outbound)
        {
            return;
        }
        peer.Outbound = null;
        if (peer.Phase != PeerPhase.Succeeded)
        {
            // A peer that goes away mid-download holds nothing anyone should count on.
            RemovePeer(task, peer);
        }
    }

    private void Leave(LeaveTaskEvent e)
    {
        if (_tasks.TryGetValue(e.TaskId, out var task) && task.Peers.TryGetValue(e.PeerId, out var peer))
        {
            RemovePeer(task, peer);
        }
    }

    private void LeaveHost(LeaveHostEvent e)
    {
        foreach (var task in _tasks.Values.ToArray())
        {
            foreach (var peer in task.Peers.Values.Where(p => p.Host.Id == e.HostId).ToArray())
            {
                RemovePeer(task, peer);
            }
        }
    }

    private void RemovePeer(SchedulingTask task, SchedulingPeer peer)
    {
        if (!peer.Excluded)
        {
            foreach (var k in peer.Held.SetBits())
            {
                task.AddCopy(k, -1);
            }
        }
        SeedOfferPolicy.Release(task, peer);
        ParentSelector.ClearParents(peer);
        task.Hungry.Remove(peer);
        foreach (var child in peer.Children)
        {
            child.Parents.Remove(peer);
            MarkDirty(child);
        }
        peer.Children.Clear();
        peer.Outbound?.TryComplete();
        peer.Outbound = null;
        task.Peers.Remove(peer.Id);
        if (task.Peers.Count == 0 && task.State == TaskState.Failed)
        {
            _tasks.Remove(task.Id);
        }
    }

    private void OnSeedLayout(SeedLayoutEvent e)
    {
        if (_tasks.TryGetValue(e.TaskId, out var task))
        {
            task.ContentLength = e.ContentLength;
            task.PieceSize = e.PieceSize;
            MarkAllDirty(task);
        }
    }

    private void OnSeedPiece(SeedPieceEvent e)
    {
        if (_tasks.TryGetValue(e.TaskId, out var task) && task.State == TaskState.Running)
        {
            task.PieceSize = Math.Max(task.PieceSize, e.Piece.Size);
            task.AddPiece(e.Piece);
            task.Seed.Held.Set(e.Piece.Number);
            MarkAllDirty(task);
        }
    }

    private void OnSeedCompleted(SeedCompletedEvent e)
    {
        if (_tasks.TryGetValue(e.TaskId, out var task) && task.State == TaskState.Running)
        {
            task.ContentLength = e.ContentLength;
            task.ContentDigest = e.ContentDigest;
            task.State = TaskState.Succeeded;
            task.Seed.Phase = PeerPhase.Succeeded;
            LogSeedCompleted(task.Id, e.ContentLength);
            MarkAllDirty(task);
        }
    }

    private void OnSeedFailed(SeedFailedEvent e)
    {
        if (_tasks.TryGetValue(e.TaskId, out var task) && task.State == TaskState.Running)
        {
            task.State = TaskState.Failed;
            task.SourceStatusCode = e.SourceStatusCode;
            task.Error = e.Error;
            LogSeedFailed(task.Id, e.SourceStatusCode, e.Error);
            MarkAllDirty(task);
            if (task.Peers.Count == 0)
            {
                _tasks.Remove(task.Id);
            }
        }
    }

    private void OnContentEvicted(ContentEvictedEvent e)
    {
        // Only completed content is evicted; a task still fetching from the source has content being written.
        if (_tasks.TryGetValue(e.TaskId, out var task) && task.State == TaskState.Succeeded)
        {
            foreach (var peer in task.Peers.Values)
            {
                peer.Outbound?.TryComplete(); // a peer still downloading moves on (next replica, or the source)
            }
            _tasks.Remove(task.Id);
            LogTaskForgotten(task.Id);
        }
    }

    private void Preheat(PreheatEvent e)
    {
        var task = GetOrStartTask(e.TaskId, e.Key, e.Headers);
        e.Reply.TrySetResult(new PreheatResponse { TaskId = task.Id.Value, State = task.State });
    }

    private void Stat(StatTaskEvent e)
    {
        if (_tasks.TryGetValue(e.TaskId, out var task))
        {
            e.Reply.TrySetResult(new StatTaskResponse
            {
                TaskId = task.Id.Value,
                State = task.State,
                ContentLength = task.ContentLength,
                PieceCount = task.PieceCount,
                SeedPieces = task.Seed.Held.Count,
                PeerCount = task.Peers.Count,
                Error = task.Error ?? string.Empty,
            });
            return;
        }
        var cached = _seed.TryGetCompleted(e.TaskId);
        e.Reply.TrySetResult(cached is null ? null : new StatTaskResponse
        {
            TaskId = e.TaskId.Value,
            State = TaskState.Succeeded,
            ContentLength = cached.ContentLength,
            PieceCount = cached.Pieces.Count,
            SeedPieces = cached.Pieces.Count,
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: seed fetching {Url}")]
    private partial void LogSeedStarting(TaskId taskId, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: served from the seed cache ({ContentLength} bytes)")]
    private partial void LogTaskFromCache(TaskId taskId, long contentLength);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: seed completed ({ContentLength} bytes)")]
    private partial void LogSeedCompleted(TaskId taskId, long contentLength);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: seed failed (source status {SourceStatus}): {Error}")]
    private partial void LogSeedFailed(TaskId taskId, int sourceStatus, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: peer {PeerId} reported unknown piece {Piece}")]
    private partial void LogUnknownPiece(TaskId taskId, string peerId, int piece);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: peer {PeerId} failed piece {Piece} from the seed: {Failure} {Detail}")]
    private partial void LogSeedPieceFailed(TaskId taskId, string peerId, int piece, PieceFailure failure, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId}: peer {PeerId} failed piece {Piece} from parent {ParentId}, which has left the task: {Failure}")]
    private partial void LogGoneParentPieceFailed(TaskId taskId, string peerId, string parentId, int piece, PieceFailure failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: peer {PeerId} failed piece {Piece} from parent {ParentId}: {Failure} {Detail}")]
    private partial void LogParentFailed(TaskId taskId, string peerId, string parentId, int piece, PieceFailure failure, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: parent {ParentId} on host {HostId} sent a corrupt piece and is excluded")]
    private partial void LogParentExcluded(TaskId taskId, string parentId, string hostId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId}: peer {PeerId} failed: {Error}")]
    private partial void LogPeerFailed(TaskId taskId, string peerId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} forgotten: the seed's cache evicted its content")]
    private partial void LogTaskForgotten(TaskId taskId);
}
