using System.Text.Json;
using Dragonfly.Core.Pieces;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Core.Storage;

/// <summary>
/// Content on local disk, one folder per task: <c>&lt;dir&gt;/&lt;id[..2]&gt;/&lt;id&gt;/data</c> plus
/// <c>meta.json</c> once complete. Only completed content survives a restart; a folder without metadata is
/// partial and is discarded. Folder names come from <see cref="TaskId"/>, so no request can name a path.
/// Completed content is a cache entry: it is evicted least recently used first when the quota or the disk
/// passes its high watermark, or when unused past the TTL, but never while it is being written or read.
/// </summary>
public sealed partial class ContentStore
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly Dictionary<TaskId, StoredContent> _open = [];
    private readonly Dictionary<TaskId, CacheEntry> _entries = [];
    private readonly ContentStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ContentStore> _logger;

    public ContentStore(ContentStoreOptions options, ILogger<ContentStore> logger, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(options.Directory);
        RootDirectory = Path.GetFullPath(options.Directory);
        IndexCompleted();
        CollectLeftoverTrash();
        EmptyTrashInBackground();
    }

    public string RootDirectory { get; }

    /// <summary>
    /// Why the store cannot take content now, or null when it can: its directory must exist and accept a new file
    /// (a probe file, created and deleted). Readiness (<c>/readyz</c>) reports it, so Kubernetes stops routing to, and
    /// a rollout stops at, a component whose disk went away or turned read-only. Each call has its own probe file, so
    /// probes at the same moment (the kubelet's and a person's) never collide on it.
    /// </summary>
    public string? NotReadyReason()
    {
        var probe = Path.Combine(RootDirectory, $".ready-probe-{Guid.NewGuid():N}");
        try
        {
            using var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            file.WriteByte(0);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the data directory {RootDirectory} does not accept new files ({e.Message}); check the volume mounted there";
        }
    }

    /// <summary>Raised after completed content was evicted (outside any lock).</summary>
    public event Action<TaskId, EvictionReason>? Evicted;

    /// <summary>Bytes held: completed content plus the allocated (or, of unknown length, reserved) size of content being written.</summary>
    public long UsedBytes
    {
        get { lock (_gate) { return UsedBytesLocked(); } }
    }

    /// <summary>Completed contents held.</summary>
    public int CompletedCount
    {
        get { lock (_gate) { return _entries.Count; } }
    }

    /// <summary>
    /// The content for <paramref name="id"/> if it is being written or is complete (loaded from disk after a
    /// restart), else null. Counts as a use for eviction.
    /// </summary>
    public StoredContent? TryGet(TaskId id)
    {
        lock (_gate)
        {
            if (!_open.TryGetValue(id, out var content))
            {
                content = TryLoadCompleted(id);
                if (content is null)
                {
                    return null;
                }
                _open[id] = content;
            }
            TouchLocked(id);
            return content;
        }
    }

    /// <summary>Returns the content for <paramref name="id"/>, creating empty partial content when there is none.</summary>
    public StoredContent GetOrCreate(TaskId id)
    {
        lock (_gate)
        {
            var existing = TryGet(id);
            if (existing is not null)
            {
                return existing;
            }
            var folder = FolderOf(id);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
            Directory.CreateDirectory(folder);
            var created = new StoredContent(id, folder, this);
            _open[id] = created;
            return created;
        }
    }

    /// <summary>Removes the content (partial or complete) from memory and disk.</summary>
    public void Delete(TaskId id)
    {
        lock (_gate)
        {
            _entries.Remove(id);
            if (_open.Remove(id, out var content))
            {
                content.Dispose();
            }
            var folder = FolderOf(id);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Deletes partial content left behind by an earlier run. Returns how many folders it removed.</summary>
    public int DiscardPartial()
    {
        var removed = 0;
        foreach (var (id, folder) in TaskFolders())
        {
            if (File.Exists(Path.Combine(folder, "meta.json")))
            {
                continue;
            }
            lock (_gate)
            {
                if (_open.ContainsKey(id))
                {
                    continue;
                }
            }
            Directory.Delete(folder, recursive: true);
            removed++;
        }
        return removed;
    }

    internal void Forget(StoredContent content)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(content.Id, out var current) && ReferenceEquals(current, content))
            {
                _open.Remove(content.Id);
            }
        }
    }

    /// <summary>Content became complete: it is now a cache entry, and the quota may need room made.</summary>
    internal void OnCompleted(StoredContent content)
    {
        lock (_gate)
        {
            _entries[content.Id] = new CacheEntry(content.Id, content.ContentLength, _time.GetUtcNow());
        }
    }

    private void TouchLocked(TaskId id)
    {
        if (!_entries.TryGetValue(id, out var entry))
        {
            return;
        }
        var now = _time.GetUtcNow();
        entry.LastUsed = now;
        if (now - entry.PersistedUse < TimeSpan.FromMinutes(10))
        {
            return;
        }
        entry.PersistedUse = now;
        try
        {
            // meta.json's modification time carries the last use across restarts.
            File.SetLastWriteTimeUtc(Path.Combine(FolderOf(id), "meta.json"), now.UtcDateTime);
        }
        catch (IOException e)
        {
            _logger.LogDebug(e, "Could not record the last use of {TaskId}", id);
        }
    }

    private long UsedBytesLocked()
    {
        var used = 0L;
        foreach (var entry in _entries.Values)
        {
            used += entry.Size;
        }
        foreach (var content in _open.Values)
        {
            if (!content.IsComplete)
            {
                used += content.ReservedBytes;
            }
        }
        return used;
    }

    private string FolderOf(TaskId id) => Path.Combine(RootDirectory, id.Value[..2], id.Value);

    private IEnumerable<(TaskId Id, string Folder)> TaskFolders()
    {
        foreach (var shard in Directory.EnumerateDirectories(RootDirectory))
        {
            if (Path.GetFileName(shard) == TrashFolderName)
            {
                continue;
            }
            foreach (var folder in Directory.EnumerateDirectories(shard))
            {
                if (TaskId.TryParse(Path.GetFileName(folder), out var id))
                {
                    yield return (id.Value, folder);
                }
            }
        }
    }

    /// <summary>Builds the cache bookkeeping from the completed content on disk; contents are opened only when asked for.</summary>
    private void IndexCompleted()
    {
        foreach (var (id, folder) in TaskFolders())
        {
            var meta = new FileInfo(Path.Combine(folder, "meta.json"));
            var data = new FileInfo(Path.Combine(folder, "data"));
            if (meta.Exists && data.Exists)
            {
                var lastUsed = new DateTimeOffset(meta.LastWriteTimeUtc, TimeSpan.Zero);
                _entries[id] = new CacheEntry(id, data.Length, lastUsed);
            }
        }
    }

    private StoredContent? TryLoadCompleted(TaskId id)
    {
        var folder = FolderOf(id);
        var metaPath = Path.Combine(folder, "meta.json");
        var dataPath = Path.Combine(folder, "data");
        if (!File.Exists(metaPath) || !File.Exists(dataPath))
        {
            _entries.Remove(id);
            return null;
        }
        try
        {
            var meta = JsonSerializer.Deserialize<ContentMetadata>(File.ReadAllBytes(metaPath), JsonOptions)
                ?? throw new InvalidDataException("meta.json is empty");
            if (meta.TaskId != id.Value || new FileInfo(dataPath).Length != meta.ContentLength)
            {
                throw new InvalidDataException($"meta.json does not describe the data file (task {meta.TaskId}, length {meta.ContentLength})");
            }
            if (meta.PieceDigests != ContentMetadata.Sha256ChainDigests)
            {
                throw new InvalidDataException($"meta.json was written by an earlier version (piece digests '{meta.PieceDigests}', not '{ContentMetadata.Sha256ChainDigests}'); the content is fetched again when asked for");
            }
            var pieces = meta.Pieces.Select(p => new Piece(p.Number, p.Offset, p.Size, PieceDigest.Parse(p.Digest))).ToArray();
            if (!_entries.ContainsKey(id))
            {
                _entries[id] = new CacheEntry(id, meta.ContentLength, _time.GetUtcNow());
            }
            return StoredContent.LoadCompleted(id, folder, this, meta, pieces);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or FormatException)
        {
            _logger.LogWarning(e, "Discarding unreadable cached content {TaskId} in {Folder}", id, folder);
            _entries.Remove(id);
            Directory.Delete(folder, recursive: true);
            return null;
        }
    }
}
