using System.Text.Json;
using Dragonfly.Core.Pieces;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Core.Storage;

/// <summary>
/// Content on local disk, one folder per task: <c>&lt;dir&gt;/&lt;id[..2]&gt;/&lt;id&gt;/data</c> plus
/// <c>meta.json</c> once complete. Only completed content survives a restart; a folder without metadata is
/// partial and is discarded. Folder names come from <see cref="TaskId"/>, so no request can name a path.
/// </summary>
public sealed class ContentStore
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Lock _gate = new();
    private readonly Dictionary<TaskId, StoredContent> _open = [];
    private readonly ContentStoreOptions _options;
    private readonly ILogger<ContentStore> _logger;

    public ContentStore(ContentStoreOptions options, ILogger<ContentStore> logger)
    {
        _options = options;
        _logger = logger;
        Directory.CreateDirectory(options.Directory);
        RootDirectory = Path.GetFullPath(options.Directory);
    }

    public string RootDirectory { get; }

    /// <summary>
    /// The content for <paramref name="id"/> if it is being written or is complete (loaded from disk after a
    /// restart), else null.
    /// </summary>
    public StoredContent? TryGet(TaskId id)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(id, out var open))
            {
                return open;
            }
            var loaded = TryLoadCompleted(id);
            if (loaded is not null)
            {
                _open[id] = loaded;
            }
            return loaded;
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

    /// <summary>Throws <see cref="InsufficientStorageException"/> unless <paramref name="bytes"/> fit with the reserve kept.</summary>
    public void EnsureFreeSpace(long bytes)
    {
        var free = new DriveInfo(RootDirectory).AvailableFreeSpace;
        if (free - bytes < _options.ReservedFreeBytes)
        {
            throw new InsufficientStorageException(
                $"not enough disk space in {RootDirectory}: the content needs {ByteSize.Format(bytes)}, " +
                $"{ByteSize.Format(free)} is free and {ByteSize.Format(_options.ReservedFreeBytes)} must stay free; " +
                "free space on that disk or point the data directory elsewhere");
        }
    }

    /// <summary>Deletes partial content left behind by an earlier run. Returns how many folders it removed.</summary>
    public int DiscardPartial()
    {
        var removed = 0;
        foreach (var shard in Directory.EnumerateDirectories(RootDirectory))
        {
            foreach (var folder in Directory.EnumerateDirectories(shard))
            {
                if (!File.Exists(Path.Combine(folder, "meta.json")) && TaskId.TryParse(Path.GetFileName(folder), out var id))
                {
                    lock (_gate)
                    {
                        if (_open.ContainsKey(id.Value))
                        {
                            continue;
                        }
                    }
                    Directory.Delete(folder, recursive: true);
                    removed++;
                }
            }
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

    private string FolderOf(TaskId id) => Path.Combine(RootDirectory, id.Value[..2], id.Value);

    private StoredContent? TryLoadCompleted(TaskId id)
    {
        var folder = FolderOf(id);
        var metaPath = Path.Combine(folder, "meta.json");
        var dataPath = Path.Combine(folder, "data");
        if (!File.Exists(metaPath) || !File.Exists(dataPath))
        {
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
            var pieces = meta.Pieces.Select(p => new Piece(p.Number, p.Offset, p.Size, Digest.Parse(p.Digest))).ToArray();
            return StoredContent.LoadCompleted(id, folder, this, meta, pieces);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or FormatException)
        {
            _logger.LogWarning(e, "Discarding unreadable cached content {TaskId} in {Folder}", id, folder);
            Directory.Delete(folder, recursive: true);
            return null;
        }
    }
}
