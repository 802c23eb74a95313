namespace Dragonfly.Supernode.Scheduling;

/// <summary>
/// Failure record of parent hosts, shared by every task: failures decay exponentially, a host whose score
/// passes the threshold is isolated for a while, and one that sent a corrupt piece is isolated at once for
/// longer. The only shared mutable scheduler state outside the shard loops, so it locks here and nowhere else.
/// </summary>
public sealed class HostHealth(SchedulerOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _hosts = [];

    public void RecordFailure(string hostId)
    {
        lock (_gate)
        {
            var entry = Decayed(hostId);
            entry.Score += 1;
            if (entry.Score >= options.IsolationFailureScore)
            {
                entry.IsolatedUntil = Max(entry.IsolatedUntil, time.GetUtcNow() + options.IsolationPeriod);
            }
        }
    }

    public void RecordCorruption(string hostId)
    {
        lock (_gate)
        {
            var entry = Decayed(hostId);
            entry.Score += options.IsolationFailureScore;
            entry.IsolatedUntil = Max(entry.IsolatedUntil, time.GetUtcNow() + options.CorruptionIsolationPeriod);
        }
    }

    public bool IsIsolated(string hostId)
    {
        lock (_gate)
        {
            return _hosts.TryGetValue(hostId, out var entry) && entry.IsolatedUntil > time.GetUtcNow();
        }
    }

    public double FailureScore(string hostId)
    {
        lock (_gate)
        {
            return _hosts.ContainsKey(hostId) ? Decayed(hostId).Score : 0;
        }
    }

    public int IsolatedCount()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            return _hosts.Values.Count(e => e.IsolatedUntil > now);
        }
    }

    private Entry Decayed(string hostId)
    {
        var now = time.GetUtcNow();
        if (!_hosts.TryGetValue(hostId, out var entry))
        {
            entry = new Entry { UpdatedAt = now };
            _hosts[hostId] = entry;
            return entry;
        }
        var halfLives = (now - entry.UpdatedAt) / options.FailureHalfLife;
        entry.Score *= Math.Pow(0.5, halfLives);
        entry.UpdatedAt = now;
        return entry;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private sealed class Entry
    {
        public double Score;
        public DateTimeOffset UpdatedAt;
        public DateTimeOffset IsolatedUntil;
    }
}
