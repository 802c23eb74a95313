using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Dragonfly.Transfer;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>
/// Fetches a task straight from its source when P2P cannot serve it (no supernode, a stalled swarm, a seed
/// that failed), through the host's back-to-source limit, cutting and hashing pieces as the seed would.
/// </summary>
internal sealed partial class BackToSourceDownload(DownloadEnvironment env, DownloadSpec spec, PeerTask task, ByteRateLimiter taskLimiter)
{
    private readonly ILogger _logger = env.LoggerFactory.CreateLogger<BackToSourceDownload>();

    public async Task<DownloadOutcome> RunAsync(string reason, CancellationToken cancellationToken)
    {
        LogFallingBack(reason, spec.Key.Url);
        env.Store.Delete(task.TaskId);
        task.ResetCompleted();
        var content = env.Store.GetOrCreate(task.TaskId);
        task.Attach(content);
        try
        {
            var outcome = await FetchAsync(content, cancellationToken);
            if (outcome.Error is not null)
            {
                content.Discard();
            }
            return outcome;
        }
        catch (InsufficientStorageException e)
        {
            content.Discard();
            return DownloadOutcome.Failure(DownloadErrorKind.InsufficientStorage, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            content.Discard();
            return DownloadOutcome.Failure(DownloadErrorKind.SourceFailed, SourceRequests.DescribeFailure(new Uri(spec.Key.Url), e));
        }
        catch (OperationCanceledException)
        {
            content.Discard();
            throw;
        }
    }

    private async Task<DownloadOutcome> FetchAsync(StoredContent content, CancellationToken cancellationToken)
    {
        using var fetch = await SourceFetch.OpenAsync(env.SourceClient, spec.Key, spec.Headers, SourceRetryPolicy.Default, env.Time,
            reason => LogRetrying(spec.Key.Url, reason), cancellationToken);
        var response = fetch.Response;
        var expected = SourceRequests.ExpectedStatus(spec.Key);
        if (response.StatusCode != expected)
        {
            return DownloadOutcome.Failure(DownloadError.FromSourceStatus(
                (int)response.StatusCode, $"source answered {(int)response.StatusCode} {response.ReasonPhrase} for {spec.Key.Url}{SourceFetch.Tries(fetch.Attempts)}"));
        }
        var length = response.Content.Headers.ContentLength ?? -1;
        var pieceSize = PieceSizePolicy.Default.PieceSizeFor(length);
        if (length >= 0)
        {
            content.SetLayout(length, pieceSize);
            task.SetContentLength(length);
        }
        using var cutter = new PieceCutter(content, pieceSize);
        var digest = await cutter.CopyAsync(fetch.Body, [env.Limits.BackToSource, taskLimiter], piece =>
        {
            task.AddCompleted(piece.Size);
            task.Traffic.AddSource(piece.Size);
        }, cancellationToken);
        if (length >= 0 && cutter.Written != length)
        {
            return DownloadOutcome.Failure(DownloadErrorKind.SourceFailed, $"source closed the connection after {cutter.Written} of {length} bytes");
        }
        if (spec.Key.Digest is not null && digest.ToString() != spec.Key.Digest)
        {
            return DownloadOutcome.Failure(DownloadErrorKind.DigestMismatch, $"content from {spec.Key.Url} has digest {digest}, expected {spec.Key.Digest}");
        }
        task.SetContentLength(cutter.Written);
        content.MarkVerified();
        task.Pulse();
        await content.CompleteAsync(cutter.Written, digest.ToString(), cancellationToken);
        return DownloadOutcome.Success(content);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Url} from the source: {Reason}")]
    private partial void LogRetrying(string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Going to the source for {Url}: {Reason}")]
    private partial void LogFallingBack(string reason, string url);
}
