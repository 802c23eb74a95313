namespace Dragonfly.Core.Storage;

/// <summary>One completed content on disk as the cache's bookkeeping sees it, whether or not it is open.</summary>
internal sealed class CacheEntry(TaskId id, long size, DateTimeOffset lastUsed)
{
    public TaskId Id { get; } = id;

    public long Size { get; } = size;

    public DateTimeOffset LastUsed { get; set; } = lastUsed;

    /// <summary>When <see cref="LastUsed"/> was last written to disk (the mtime of <c>meta.json</c>).</summary>
    public DateTimeOffset PersistedUse { get; set; } = lastUsed;
}
