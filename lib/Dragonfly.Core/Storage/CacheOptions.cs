namespace Dragonfly.Core.Storage;

/// <summary>
/// Configuration section <c>cache</c> of the supernode and the peer daemon: how much the piece cache may hold
/// and when it evicts. Sizes are written as in the chart (<c>20G</c>), durations as <c>hh:mm:ss</c>.
/// </summary>
public sealed class CacheOptions
{
    /// <summary>Most bytes the cache may hold; <c>0</c> leaves it to the disk.</summary>
    public string Quota { get; set; } = "0";

    /// <summary>Fraction of the quota (or of the disk, without a quota) at which least recently used content is evicted.</summary>
    public double HighWatermark { get; set; } = 0.9;

    /// <summary>Fraction eviction brings usage down to.</summary>
    public double LowWatermark { get; set; } = 0.8;

    /// <summary>Content unused for this long is evicted; <c>00:00:00</c> keeps it until space is needed.</summary>
    public TimeSpan Ttl { get; set; }

    /// <summary>How often expired content and the watermarks are checked.</summary>
    public TimeSpan GcInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Disk space that must stay free after a task is allocated.</summary>
    public string ReservedFreeSpace { get; set; } = "256M";

    public IEnumerable<string> Validate()
    {
        if (!ByteSize.TryParse(Quota, out var quota)) yield return $"cache:quota '{Quota}' is not a size; write e.g. 0, 500M or 20G";
        else if (quota is > 0 and < 64L * 1024 * 1024) yield return $"cache:quota '{Quota}' is below 64M; use 0 for no quota or at least 64M";
        if (!ByteSize.TryParse(ReservedFreeSpace, out _)) yield return $"cache:reservedFreeSpace '{ReservedFreeSpace}' is not a size; write e.g. 256M";
        if (HighWatermark is <= 0 or > 1) yield return $"cache:highWatermark {HighWatermark} must be in (0, 1], e.g. 0.9";
        if (LowWatermark is <= 0 or > 1 || LowWatermark >= HighWatermark) yield return $"cache:lowWatermark {LowWatermark} must be in (0, 1) and below cache:highWatermark ({HighWatermark})";
        if (Ttl < TimeSpan.Zero) yield return $"cache:ttl {Ttl} must not be negative; 00:00:00 turns it off";
        if (GcInterval <= TimeSpan.Zero) yield return $"cache:gcInterval {GcInterval} must be positive, e.g. 00:01:00";
    }

    public ContentStoreOptions ToStoreOptions(string directory) => new()
    {
        Directory = directory,
        ReservedFreeBytes = ByteSize.Parse(ReservedFreeSpace),
        QuotaBytes = ByteSize.Parse(Quota),
        HighWatermark = HighWatermark,
        LowWatermark = LowWatermark,
        Ttl = Ttl,
    };
}
