namespace Dragonfly.Supernode.Scheduling;

/// <summary>
/// Chooses a child's parents among the task's peers: candidates are healthy peers holding pieces the child
/// lacks (a random sample when there are many, always including the current parents) and serving fewer than
/// maxChildrenPerParent children, ranked by the evaluator; current parents that still have pieces to give stay.
/// </summary>
internal sealed class ParentSelector(SchedulerOptions options, IParentEvaluator evaluator, HostHealth health, Random random)
{
    private readonly List<(SchedulingPeer Peer, int Useful)> _candidates = [];
    private readonly List<(SchedulingPeer Peer, double Score)> _scored = [];
    private readonly List<SchedulingPeer> _chosen = [];

    /// <summary>A current parent is kept while its score is at least this share of the best candidate's.</summary>
    public const double KeepRatio = 0.5;

    /// <summary>Replaces <paramref name="child"/>'s parents, keeping the parent/child links consistent.</summary>
    public void Select(SchedulingTask task, SchedulingPeer child)
    {
        _candidates.Clear();
        _scored.Clear();
        if (child.IsDownloading)
        {
            CollectCandidates(task, child);
        }
        var needs = Math.Max(1, task.KnownSlots - child.Held.Count);
        var best = 0.0;
        foreach (var (peer, _) in _candidates)
        {
            best = Math.Max(best, peer.Throughput);
        }
        foreach (var (peer, useful) in _candidates)
        {
            var candidate = new ParentCandidate(
                useful, needs, peer.Children.Count - (child.Parents.Contains(peer) ? 1 : 0), peer.Throughput, best,
                health.FailureScore(peer.Host.Id),
                !string.IsNullOrEmpty(child.Host.Location) && child.Host.Location == peer.Host.Location,
                child.Parents.Contains(peer));
            _scored.Add((peer, evaluator.Score(candidate)));
        }
        _scored.Sort((a, b) => b.Score.CompareTo(a.Score));
        // Current parents stay while they hold pieces the child lacks and score at least KeepRatio of the best
        // candidate (a slow parent's score is cut below that). A child that drops a parent still has transfers in
        // flight from it for seconds, which no children count sees while another child takes its place: with
        // parents re-ranked on every packet, the holder of a new piece served 35 transfers at once, not 4.
        _chosen.Clear();
        var keepAbove = _scored.Count > 0 ? _scored[0].Score * KeepRatio : 0;
        foreach (var (peer, score) in _scored)
        {
            if (_chosen.Count < options.MaxParents && score >= keepAbove && child.Parents.Contains(peer))
            {
                _chosen.Add(peer);
            }
        }
        foreach (var (peer, _) in _scored)
        {
            if (_chosen.Count < options.MaxParents && !_chosen.Contains(peer))
            {
                _chosen.Add(peer);
            }
        }
        foreach (var old in child.Parents.Where(p => !_chosen.Contains(p)))
        {
            old.Children.Remove(child);
        }
        foreach (var added in _chosen)
        {
            added.Children.Add(child);
        }
        child.Parents.Clear();
        child.Parents.AddRange(_chosen);
    }

    /// <summary>Removes every parent of <paramref name="child"/>.</summary>
    public static void ClearParents(SchedulingPeer child)
    {
        foreach (var parent in child.Parents)
        {
            parent.Children.Remove(child);
        }
        child.Parents.Clear();
    }

    private void CollectCandidates(SchedulingTask task, SchedulingPeer child)
    {
        var seen = 0;
        foreach (var peer in task.Peers.Values)
        {
            if (peer == child || peer.Excluded || peer.Held.Count == 0 || health.IsIsolated(peer.Host.Id))
            {
                continue;
            }
            var useful = peer.Held.CountNotIn(child.Held);
            if (useful == 0)
            {
                continue;
            }
            if (child.Parents.Contains(peer))
            {
                _candidates.Add((peer, useful));
                continue;
            }
            if (peer.Children.Count >= options.MaxChildrenPerParent)
            {
                continue; // serving as many children as its uplink should share
            }
            // Reservoir sampling over the non-parent candidates bounds the work with thousands of peers.
            seen++;
            var sampleSize = options.CandidateSample - child.Parents.Count;
            var sampled = _candidates.Count - CountParents();
            if (sampled < sampleSize)
            {
                _candidates.Add((peer, useful));
            }
            else
            {
                var slot = random.Next(seen);
                if (slot < sampleSize)
                {
                    ReplaceSampled(slot, (peer, useful), child);
                }
            }
        }

        int CountParents() => _candidates.Count(c => child.Parents.Contains(c.Peer));
    }

    private void ReplaceSampled(int slot, (SchedulingPeer, int) candidate, SchedulingPeer child)
    {
        var index = -1;
        for (var i = 0; i < _candidates.Count; i++)
        {
            if (!child.Parents.Contains(_candidates[i].Peer) && ++index == slot)
            {
                _candidates[i] = candidate;
                return;
            }
        }
    }
}
