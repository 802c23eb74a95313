namespace Dragonfly.Core.Storage;

/// <summary>Why completed content left the cache.</summary>
public enum EvictionReason
{
    /// <summary>Unused for longer than the TTL.</summary>
    Expired,

    /// <summary>The cache passed the high watermark of its quota.</summary>
    Quota,

    /// <summary>The disk passed its high watermark.</summary>
    Disk,
}
