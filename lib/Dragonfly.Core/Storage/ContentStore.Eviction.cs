using Microsoft.Extensions.Logging;

namespace Dragonfly.Core.Storage;

public sealed partial class ContentStore
{
    /// <summary>
    /// Makes room for <paramref name="bytes"/> more of <paramref name="content"/> and counts them against the
    /// quota in the same step: evicts least recently used content when the quota or the disk would pass its high
    /// watermark, down to the low watermark, then throws <see cref="InsufficientStorageException"/> (reserving
    /// nothing) if the bytes still do not fit.
    /// </summary>
    internal void Reserve(StoredContent content, long bytes)
    {
        var evicted = new List<(TaskId, EvictionReason)>();
        try
        {
            lock (_gate)
            {
                EnsureQuotaLocked(bytes, evicted);
                content.AddReservation(bytes);
            }
            try
            {
                EnsureDiskSpace(bytes, evicted);
            }
            catch
            {
                Release(content, bytes);
                throw;
            }
        }
        finally
        {
            EmptyTrashInBackground();
            Announce(evicted);
        }
    }

    /// <summary>Gives back bytes <see cref="Reserve"/> counted for <paramref name="content"/>.</summary>
    internal void Release(StoredContent content, long bytes)
    {
        lock (_gate)
        {
            content.AddReservation(-bytes);
        }
    }

    private void EnsureDiskSpace(long bytes, List<(TaskId, EvictionReason)> evicted)
    {
        // The watermarks look at the disk as it will be; the room must be there as it is.
        var (disk, measured) = MeasureDiskAndTrash();
        if (disk.Used + bytes > _options.HighWatermark * disk.Total)
        {
            lock (_gate)
            {
                var target = _options.LowWatermark * disk.Total;
                EvictLeastRecentlyUsedLocked(f => disk.Used - f + bytes <= target, EvictionReason.Disk, evicted);
            }
        }
        // The room itself must be there now, not once the trash is gone: when the disk lacks it, wait for the
        // trash's deletion (also one under way) and look again.
        if (measured.Free - bytes < _options.ReservedFreeBytes)
        {
            EmptyTrash();
            measured = _options.MeasureDisk(RootDirectory);
        }
        if (measured.Free - bytes < _options.ReservedFreeBytes)
        {
            throw new InsufficientStorageException(
                $"not enough disk space in {RootDirectory}: the content needs {ByteSize.Format(bytes)}, " +
                $"{ByteSize.Format(measured.Free)} is free and {ByteSize.Format(_options.ReservedFreeBytes)} must stay free; " +
                "free space on that disk or point the data directory elsewhere");
        }
    }

    /// <summary>
    /// Evicts content unused past the TTL, then applies the watermarks as if no new content were coming.
    /// Returns how many contents it evicted. Called periodically.
    /// </summary>
    public int Sweep()
    {
        var evicted = new List<(TaskId, EvictionReason)>();
        try
        {
            lock (_gate)
            {
                if (_options.Ttl > TimeSpan.Zero)
                {
                    var cutoff = _time.GetUtcNow() - _options.Ttl;
                    foreach (var entry in _entries.Values.Where(e => e.LastUsed < cutoff).ToArray())
                    {
                        if (!InUseLocked(entry.Id))
                        {
                            EvictLocked(entry, EvictionReason.Expired, evicted);
                        }
                    }
                }
            }
            EnsureFreeSpaceForSweep(evicted);
            return evicted.Count;
        }
        finally
        {
            EmptyTrashInBackground();
            Announce(evicted);
        }
    }

    /// <summary>
    /// The disk as it will be once the trash is deleted, and as it is. The trash is read first, so a folder deleted
    /// in between is counted twice (evicting a little less), never missed.
    /// </summary>
    private (DiskSpace AsItWillBe, DiskSpace Measured) MeasureDiskAndTrash()
    {
        var trash = TrashBytes;
        var measured = _options.MeasureDisk(RootDirectory);
        return (measured with { Free = Math.Min(measured.Total, measured.Free + trash) }, measured);
    }

    private void EnsureFreeSpaceForSweep(List<(TaskId, EvictionReason)> evicted)
    {
        lock (_gate)
        {
            var used = UsedBytesLocked();
            if (_options.QuotaBytes > 0 && used > _options.HighWatermark * _options.QuotaBytes)
            {
                var target = _options.LowWatermark * _options.QuotaBytes;
                EvictLeastRecentlyUsedLocked(freed => used - freed <= target, EvictionReason.Quota, evicted);
            }
        }
        var disk = MeasureDiskAndTrash().AsItWillBe;
        if (disk.Used > _options.HighWatermark * disk.Total)
        {
            lock (_gate)
            {
                var target = _options.LowWatermark * disk.Total;
                EvictLeastRecentlyUsedLocked(freed => disk.Used - freed <= target, EvictionReason.Disk, evicted);
            }
        }
    }

    private void EnsureQuotaLocked(long bytes, List<(TaskId, EvictionReason)> evicted)
    {
        var quota = _options.QuotaBytes;
        if (quota <= 0)
        {
            return;
        }
        if (bytes > quota)
        {
            throw new InsufficientStorageException(
                $"the content needs {ByteSize.Format(bytes)}, more than the whole cache quota of {ByteSize.Format(quota)}; raise cache:quota");
        }
        var used = UsedBytesLocked();
        if (used + bytes > _options.HighWatermark * quota)
        {
            var target = _options.LowWatermark * quota;
            used -= EvictLeastRecentlyUsedLocked(freed => used - freed + bytes <= target, EvictionReason.Quota, evicted);
        }
        if (used + bytes > quota)
        {
            throw new InsufficientStorageException(
                $"the cache quota of {ByteSize.Format(quota)} is full: {ByteSize.Format(used)} is held by content being written or read, " +
                $"and the content needs {ByteSize.Format(bytes)}; raise cache:quota, or retry when the running downloads are done");
        }
    }

    /// <summary>Evicts unused entries, least recently used first, until <paramref name="done"/> holds for the bytes freed.</summary>
    private long EvictLeastRecentlyUsedLocked(Func<long, bool> done, EvictionReason reason, List<(TaskId, EvictionReason)> evicted)
    {
        var freed = 0L;
        foreach (var entry in _entries.Values.OrderBy(e => e.LastUsed).ToArray())
        {
            if (done(freed))
            {
                break;
            }
            if (!InUseLocked(entry.Id))
            {
                EvictLocked(entry, reason, evicted);
                freed += entry.Size;
            }
        }
        return freed;
    }

    private bool InUseLocked(TaskId id) => _open.TryGetValue(id, out var content) && content.InUse;

    private void EvictLocked(CacheEntry entry, EvictionReason reason, List<(TaskId, EvictionReason)> evicted)
    {
        _entries.Remove(entry.Id);
        if (_open.Remove(entry.Id, out var content))
        {
            content.MarkEvicted();
        }
        TrashLocked(FolderOf(entry.Id), entry.Size);
        evicted.Add((entry.Id, reason));
        _logger.LogInformation("Evicted {TaskId} ({Size} bytes, last used {LastUsed:O}): {Reason}", entry.Id, entry.Size, entry.LastUsed, reason);
    }

    private void Announce(List<(TaskId Id, EvictionReason Reason)> evicted)
    {
        foreach (var (id, reason) in evicted)
        {
            Evicted?.Invoke(id, reason);
        }
    }
}
