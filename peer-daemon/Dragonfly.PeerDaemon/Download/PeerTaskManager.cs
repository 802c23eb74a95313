using Dragonfly.Core;
using Dragonfly.Core.RateLimiting;
using Dragonfly.PeerDaemon.Scheduling;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>
/// Entry point of the download engine: one running download per task on this host (later callers join it),
/// completed content served from the local cache, P2P first and the source when P2P cannot serve.
/// </summary>
public sealed partial class PeerTaskManager(DownloadEnvironment env, SupernodeSelector supernodes) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TaskId, PeerTask> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = env.LoggerFactory.CreateLogger<PeerTaskManager>();

    public int RunningCount
    {
        get { lock (_gate) { return _running.Count; } }
    }

    /// <summary>Starts the download of <paramref name="spec"/>, or joins the one already running for the same task.</summary>
    public PeerTask StartOrJoin(DownloadSpec spec)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(spec.TaskId, out var running))
            {
                return running;
            }
            var peerTask = new PeerTask(spec.TaskId, $"{env.Host.Id}-{spec.TaskId.Value[..12]}-{Guid.NewGuid().ToString("N")[..8]}", env.Time);
            if (env.Store.TryGet(spec.TaskId) is { IsComplete: true } cached)
            {
                peerTask.Attach(cached);
                peerTask.SetContentLength(cached.ContentLength);
                peerTask.AddCompleted(cached.ContentLength);
                peerTask.Traffic.AddLocalCache(cached.ContentLength);
                peerTask.Completion = Task.FromResult(DownloadOutcome.Success(cached));
                return peerTask;
            }
            _running[spec.TaskId] = peerTask;
            peerTask.Completion = Task.Run(() => RunAsync(spec, peerTask, _stopping.Token), CancellationToken.None);
            peerTask.Completion.ContinueWith(_ => peerTask.Pulse(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return peerTask;
        }
    }

    private async Task<DownloadOutcome> RunAsync(DownloadSpec spec, PeerTask peerTask, CancellationToken cancellationToken)
    {
        using var scope = _logger.BeginScope(new Dictionary<string, object> { ["TaskId"] = spec.TaskId.Value, ["PeerId"] = peerTask.PeerId });
        try
        {
            var taskLimiter = spec.RateLimit > 0 ? new ByteRateLimiter(spec.RateLimit, env.Time) : ByteRateLimiter.Unlimited;
            LogStarting(spec.Key.Url);
            var p2p = await RunP2PAsync(spec, peerTask, taskLimiter, cancellationToken);
            var outcome = p2p.Done;
            if (outcome is null)
            {
                outcome = spec.DisableBackToSource
                    ? DownloadOutcome.Failure(DownloadErrorKind.P2PUnavailable, $"P2P could not serve the download and going to the source is disabled: {p2p.FallbackReason}")
                    : await new BackToSourceDownload(env, spec, peerTask, taskLimiter).RunAsync(p2p.FallbackReason!, cancellationToken);
            }
            if (outcome.Error is { } error)
            {
                // Nothing of a failed download stays behind: partial content would hold quota and disk until a restart.
                if (peerTask.Content is { IsComplete: false } partial)
                {
                    partial.Discard();
                }
                LogFailed(error.Kind, error.Message);
                env.Metrics.DownloadFailed(error.Kind.ToString());
            }
            else
            {
                var traffic = peerTask.Traffic.ToProto();
                LogCompleted(peerTask.ContentLength, peerTask.Elapsed.TotalMilliseconds, traffic.FromSource, traffic.FromSeed, traffic.FromPeers);
                env.Metrics.DownloadSucceeded(traffic.FromSource, traffic.FromSeed, traffic.FromPeers);
            }
            return outcome;
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(spec.TaskId);
            }
        }
    }

    /// <summary>
    /// The P2P path. A fault in it (a bug, a disk error while verifying) is logged and turns into a fallback:
    /// a pull never fails because of P2P when the source could serve it.
    /// </summary>
    private async Task<P2POutcome> RunP2PAsync(DownloadSpec spec, PeerTask peerTask, ByteRateLimiter taskLimiter, CancellationToken cancellationToken)
    {
        try
        {
            return await new P2PDownload(env, spec, peerTask, supernodes, taskLimiter).RunAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogP2PFault(e);
            return P2POutcome.Fallback($"the P2P download failed unexpectedly: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        Task[] running;
        lock (_gate)
        {
            running = _running.Values.Select(t => (Task)t.Completion).ToArray();
        }
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "P2P download faulted; going to the source")]
    private partial void LogP2PFault(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloading {Url}")]
    private partial void LogStarting(string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed {ContentLength} bytes in {ElapsedMs:0} ms (source {FromSource}, seed {FromSeed}, peers {FromPeers})")]
    private partial void LogCompleted(long contentLength, double elapsedMs, long fromSource, long fromSeed, long fromPeers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download failed: {Kind}: {Message}")]
    private partial void LogFailed(DownloadErrorKind kind, string message);
}
