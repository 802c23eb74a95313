using System.Collections.Concurrent;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Operator.Runtime.Informers;

/// <summary>
/// A local copy of one kind of object, kept current by list + watch: lists, then watches from the list's
/// resourceVersion (with bookmarks), resumes from the last seen version when a watch ends, lists again when the
/// server says that version is gone (410), and backs off on errors. Handlers see every change, including
/// deletions noticed only by a relist.
/// </summary>
public sealed partial class Informer<T>(KubernetesClient client, string? @namespace, string? labelSelector, TimeProvider time, ILogger logger)
    where T : class, IKubernetesObject
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<ObjectKey, T> _cache = new();
    private readonly List<Action<WatchEventType, T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _relists;

    /// <summary>How long the server keeps one watch open before we resume it.</summary>
    public int WatchTimeoutSeconds { get; init; } = 300;

    /// <summary>Lists done so far (the first one and every relist after a 410 or an error).</summary>
    public int Lists => Volatile.Read(ref _relists);

    public Task Synced => _synced.Task;

    public T? Get(ObjectKey key) => _cache.GetValueOrDefault(key);

    public IReadOnlyCollection<T> Items => _cache.Values.ToArray();

    /// <summary>Adds a handler; call before <see cref="RunAsync"/>. Handlers run on the informer's loop and must be quick.</summary>
    public void AddHandler(Action<WatchEventType, T> handler) => _handlers.Add(handler);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = MinBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var resourceVersion = await RelistAsync(cancellationToken);
                backoff = MinBackoff;
                while (true)
                {
                    var started = time.GetTimestamp();
                    resourceVersion = await WatchOnceAsync(resourceVersion, cancellationToken);
                    if (time.GetElapsedTime(started) < MinBackoff)
                    {
                        // A watch that ends at once (a proxy closing it, a server shedding load) must not become a hot loop.
                        await Task.Delay(MinBackoff, time, cancellationToken);
                    }
                }
            }
            catch (KubernetesException e) when (e.IsGone)
            {
                LogGone(typeof(T).Name, e.Message);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogFailed(e, typeof(T).Name, backoff.TotalSeconds);
                await Task.Delay(backoff, time, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<string?> RelistAsync(CancellationToken cancellationToken)
    {
        var list = await client.ListWithMetadataAsync<T>(@namespace, labelSelector, cancellationToken);
        Interlocked.Increment(ref _relists);
        var seen = new HashSet<ObjectKey>();
        foreach (var item in list.Items)
        {
            var key = ObjectKey.Of(item);
            seen.Add(key);
            var existed = _cache.TryGetValue(key, out var old);
            _cache[key] = item;
            if (!existed || old!.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                Notify(existed ? WatchEventType.Modified : WatchEventType.Added, item);
            }
        }
        foreach (var (key, gone) in _cache.Where(p => !seen.Contains(p.Key)).ToArray())
        {
            _cache.TryRemove(key, out _);
            Notify(WatchEventType.Deleted, gone);
        }
        _synced.TrySetResult();
        LogListed(typeof(T).Name, list.Items.Count, list.Metadata.ResourceVersion);
        return list.Metadata.ResourceVersion;
    }

    private async Task<string?> WatchOnceAsync(string? resourceVersion, CancellationToken cancellationToken)
    {
        await foreach (var change in client.WatchAsync<T>(@namespace, resourceVersion, labelSelector, WatchTimeoutSeconds, cancellationToken))
        {
            resourceVersion = change.Object.Metadata.ResourceVersion ?? resourceVersion;
            if (change.Type == WatchEventType.Bookmark)
            {
                continue;
            }
            var key = ObjectKey.Of(change.Object);
            if (change.Type == WatchEventType.Deleted)
            {
                _cache.TryRemove(key, out _);
            }
            else
            {
                _cache[key] = change.Object;
            }
            Notify(change.Type, change.Object);
        }
        return resourceVersion;
    }

    private void Notify(WatchEventType type, T item)
    {
        foreach (var handler in _handlers)
        {
            handler(type, item);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Kind}: {Count} objects at resourceVersion {ResourceVersion}")]
    private partial void LogListed(string kind, int count, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Kind} expired ({Reason}); listing again")]
    private partial void LogGone(string kind, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "List/watch of {Kind} failed; retrying in {Seconds} s")]
    private partial void LogFailed(Exception error, string kind, double seconds);
}
