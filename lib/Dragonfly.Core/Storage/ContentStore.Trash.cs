using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Core.Storage;

/// <summary>
/// Evicted folders leave the cache by a rename into <c>&lt;dir&gt;/.trash</c> and are deleted in the background.
/// Deleting is the slow part: unlinking the 130 MiB of a five-layer image took 45-50 ms, and an eviction from the
/// high to the low watermark frees a tenth of the cache at once. Done under the store's lock it stalled every task
/// that touched the store, the supernode's scheduling included, and the download that needed the room waited for it.
/// </summary>
public sealed partial class ContentStore
{
    private const string TrashFolderName = ".trash";

    private readonly ConcurrentQueue<(string Folder, long Bytes)> _trash = new();
    private readonly Lock _deleting = new();
    private long _trashBytes;
    private int _emptying;
    private Task _lastEmptying = Task.CompletedTask;

    private string TrashDirectory => Path.Combine(RootDirectory, TrashFolderName);

    /// <summary>Bytes of evicted folders not deleted yet: out of the cache, still on the disk.</summary>
    internal long TrashBytes => Interlocked.Read(ref _trashBytes);

    /// <summary>The background deletion started last (completed when none was).</summary>
    internal Task LastEmptying => Volatile.Read(ref _lastEmptying);

    /// <summary>Moves a task's folder out of the cache's tree (a rename: at once, whatever its size) to be deleted later.</summary>
    private void TrashLocked(string folder, long bytes)
    {
        var target = Path.Combine(TrashDirectory, $"{Path.GetFileName(folder)}.{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(TrashDirectory);
            Directory.Move(folder, target);
        }
        catch (DirectoryNotFoundException)
        {
            return; // already gone; the bookkeeping is what mattered
        }
        catch (IOException e)
        {
            // A mkdir or a rename can need room a full disk no longer has; an unlink never does.
            _logger.LogWarning(e, "Could not move evicted content {Folder} to the trash; deleting it in place", folder);
            Directory.Delete(folder, recursive: true);
            return;
        }
        Interlocked.Add(ref _trashBytes, bytes);
        _trash.Enqueue((target, bytes));
    }

    /// <summary>Queues what an earlier run left in the trash (it stopped before deleting it).</summary>
    private void CollectLeftoverTrash()
    {
        if (!Directory.Exists(TrashDirectory))
        {
            return;
        }
        foreach (var folder in Directory.EnumerateDirectories(TrashDirectory))
        {
            try
            {
                var bytes = new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
                Interlocked.Add(ref _trashBytes, bytes);
                _trash.Enqueue((folder, bytes));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(e, "Leaving unreadable trash {Folder} on the disk", folder);
            }
        }
    }

    /// <summary>
    /// Starts deleting the trash, unless that is running already. Called outside the lock. The unlinks block, for as
    /// long as a tenth of the cache takes, so they get a thread of their own instead of one of the pool's few.
    /// </summary>
    private void EmptyTrashInBackground()
    {
        if (_trash.IsEmpty || Interlocked.CompareExchange(ref _emptying, 1, 0) != 0)
        {
            return;
        }
        var emptying = Task.Factory.StartNew(() =>
        {
            while (true)
            {
                while (DeleteNextTrashed())
                {
                }
                Interlocked.Exchange(ref _emptying, 0);
                // Folders trashed after the last look, while no one was going to delete them.
                if (_trash.IsEmpty || Interlocked.CompareExchange(ref _emptying, 1, 0) != 0)
                {
                    return;
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Volatile.Write(ref _lastEmptying, emptying);
    }

    /// <summary>Deletes the whole trash on this thread, waiting for a deletion under way: when the disk needs the room now.</summary>
    internal void EmptyTrash()
    {
        while (DeleteNextTrashed())
        {
        }
    }

    /// <summary>Deletes one trashed folder; false when the trash is empty. One folder is deleted at a time.</summary>
    private bool DeleteNextTrashed()
    {
        lock (_deleting)
        {
            if (!_trash.TryDequeue(out var item))
            {
                return false;
            }
            try
            {
                Directory.Delete(item.Folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left on the disk; the next start collects it again.
                _logger.LogWarning(e, "Could not delete evicted content in {Folder}", item.Folder);
            }
            finally
            {
                Interlocked.Add(ref _trashBytes, -item.Bytes);
            }
            return true;
        }
    }
}
