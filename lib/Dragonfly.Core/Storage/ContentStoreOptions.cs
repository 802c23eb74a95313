namespace Dragonfly.Core.Storage;

public sealed class ContentStoreOptions
{
    /// <summary>Directory holding one folder per task.</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "dragonfly");

    /// <summary>Free space that must remain on the disk after a new task's content is allocated.</summary>
    public long ReservedFreeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Most bytes the cache may hold; 0 leaves it to the disk (the watermarks then apply to the whole disk).</summary>
    public long QuotaBytes { get; set; }

    /// <summary>Fraction of the quota (or disk) at which eviction starts.</summary>
    public double HighWatermark { get; set; } = 0.9;

    /// <summary>Fraction of the quota (or disk) eviction brings usage down to.</summary>
    public double LowWatermark { get; set; } = 0.8;

    /// <summary>Completed content unused for this long is evicted; zero keeps it until space is needed.</summary>
    public TimeSpan Ttl { get; set; }

    /// <summary>Measures the disk holding a path; replaced in tests.</summary>
    public Func<string, DiskSpace> MeasureDisk { get; set; } = DiskSpace.Of;
}
