using System.Collections.Concurrent;
using System.Net;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;
using Dragonfly.Transfer;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Supernode.Seeding;

/// <summary>
/// The CDN seed: the only component that reads from sources. One fetch per task, cut into pieces, each
/// hashed and stored on disk and announced at once, so peers start while the fetch is still running.
/// </summary>
public sealed partial class CdnSeed(
    SupernodeOptions options,
    ContentStore store,
    HttpClient sourceClient,
    SeedRateLimits limits,
    SupernodeMetrics metrics,
    TimeProvider time,
    ILogger<CdnSeed> logger) : ISeed, IAsyncDisposable
{
    private readonly ConcurrentDictionary<TaskId, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly PieceSizePolicy _pieceSizes = options.PieceSize.ToPolicy().Policy ?? PieceSizePolicy.Default;

    public HostInfo Host { get; } = new()
    {
        Id = options.EffectiveHostId,
        Ip = options.EffectiveAdvertiseIp,
        Hostname = Environment.MachineName,
        DownloadPort = options.DownloadPort,
        Location = options.Location,
    };

    /// <summary>Back-to-source fetches started since the process began (one per task attempt).</summary>
    public int FetchesStarted => _fetchesStarted;

    private int _fetchesStarted;

    public SeedSnapshot? TryGetCompleted(TaskId taskId) =>
        store.TryGet(taskId) is { IsComplete: true } content
            ? new SeedSnapshot(content.ContentLength, content.PieceSize, content.HeldPieces(), content.ContentDigest)
            : null;

    public void StartFetch(TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, ISeedObserver observer)
    {
        var fetch = new Task<Task>(() => FetchAsync(taskId, key, headers, observer, _stopping.Token));
        if (!_running.TryAdd(taskId, fetch.Unwrap()))
        {
            LogAlreadyFetching(taskId);
            return;
        }
        Interlocked.Increment(ref _fetchesStarted);
        fetch.Start(TaskScheduler.Default);
    }

    private async Task FetchAsync(TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, ISeedObserver observer, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = taskId.Value });
        StoredContent? content = null;
        try
        {
            store.Delete(taskId);
            content = store.GetOrCreate(taskId);
            // A flaky source costs a few retries here, not a failed task that sends every peer to the source.
            using var fetch = await SourceFetch.OpenAsync(sourceClient, key, headers, SourceRetryPolicy.Default, time,
                reason => LogRetrying(key.Url, reason), cancellationToken);
            var response = fetch.Response;
            var expected = SourceRequests.ExpectedStatus(key);
            if (response.StatusCode != expected)
            {
                var why = response.IsSuccessStatusCode
                    ? $"source answered {(int)response.StatusCode} to a range request for {key.Url}; it must answer 206"
                    : $"source answered {(int)response.StatusCode} {response.ReasonPhrase} for {key.Url}{SourceFetch.Tries(fetch.Attempts)}";
                Fail(observer, taskId, content, (int)response.StatusCode, why);
                return;
            }
            var length = response.Content.Headers.ContentLength ?? -1;
            var pieceSize = _pieceSizes.PieceSizeFor(length);
            if (length >= 0)
            {
                content.SetLayout(length, pieceSize);
            }
            // Without a length the piece size is still fixed now: peers compute held ranges in pieces of this size.
            observer.LayoutKnown(taskId, length, pieceSize);
            LogFetching(key.Url, length);
            using var cutter = new PieceCutter(content, pieceSize);
            var digest = await cutter.CopyAsync(fetch.Body, [limits.BackToSource], piece => observer.PieceStored(taskId, piece), cancellationToken);
            if (length >= 0 && cutter.Written != length)
            {
                Fail(observer, taskId, content, 0, $"source closed the connection after {cutter.Written} of {length} bytes");
                return;
            }
            if (!string.IsNullOrEmpty(key.Digest) && digest.ToString() != key.Digest)
            {
                Fail(observer, taskId, content, 0, $"content from {key.Url} has digest {digest}, but {key.Digest} was expected");
                return;
            }
            await content.CompleteAsync(cutter.Written, digest.ToString(), cancellationToken);
            LogCompleted(cutter.Written, digest.ToString());
            metrics.SeedFetched(cutter.Written);
            observer.Completed(taskId, cutter.Written, digest.ToString());
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Every failure must reach the scheduler, or peers would wait on a fetch that is gone.
            LogFetchError(e, key.Url);
            Fail(observer, taskId, content, 0, SourceRequests.DescribeFailure(new Uri(key.Url), e));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            content?.Discard();
        }
        finally
        {
            _running.TryRemove(taskId, out _);
        }
    }

    private void Fail(ISeedObserver observer, TaskId taskId, StoredContent? content, int status, string error)
    {
        LogFailed(status, error);
        metrics.SeedFailed();
        content?.Discard();
        observer.Failed(taskId, status, error);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Values);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seed fetching {Url} ({ContentLength} bytes)")]
    private partial void LogFetching(string url, long contentLength);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seed stored {ContentLength} bytes, {Digest}")]
    private partial void LogCompleted(long contentLength, string digest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seed fetch failed (source status {SourceStatus}): {Error}")]
    private partial void LogFailed(int sourceStatus, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seed fetch of {Url}: {Reason}")]
    private partial void LogRetrying(string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seed fetch of {Url} threw")]
    private partial void LogFetchError(Exception exception, string url);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task {TaskId} is already being fetched")]
    private partial void LogAlreadyFetching(TaskId taskId);
}
