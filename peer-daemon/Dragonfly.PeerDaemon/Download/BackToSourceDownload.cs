using System.Net;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>
/// Fetches a task straight from its source when P2P cannot serve it (no supernode, a stalled swarm, a seed
/// that failed), through the host's back-to-source limit, cutting and hashing pieces as the seed would.
/// </summary>
internal sealed partial class BackToSourceDownload(DownloadEnvironment env, DownloadSpec spec, PeerTask task, ByteRateLimiter taskLimiter)
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Content-Length", "Range", "Accept-Encoding",
    };

    private readonly ILogger _logger = env.LoggerFactory.CreateLogger<BackToSourceDownload>();

    public async Task<DownloadOutcome> RunAsync(string reason, CancellationToken cancellationToken)
    {
        LogFallingBack(reason, spec.Key.Url);
        env.Store.Delete(task.TaskId);
        task.ResetCompleted();
        var content = env.Store.GetOrCreate(task.TaskId);
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
            return DownloadOutcome.Failure(DownloadErrorKind.SourceFailed, $"fetching {spec.Key.Url} failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            content.Discard();
            throw;
        }
    }

    private async Task<DownloadOutcome> FetchAsync(StoredContent content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, spec.Key.Url);
        foreach (var (name, value) in spec.Headers)
        {
            if (!NotForwarded.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (!string.IsNullOrEmpty(spec.Key.Range))
        {
            request.Headers.TryAddWithoutValidation("Range", spec.Key.Range);
        }
        using var response = await env.SourceClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var expected = string.IsNullOrEmpty(spec.Key.Range) ? HttpStatusCode.OK : HttpStatusCode.PartialContent;
        if (response.StatusCode != expected)
        {
            return DownloadOutcome.Failure(DownloadError.FromSourceStatus(
                (int)response.StatusCode, $"source answered {(int)response.StatusCode} {response.ReasonPhrase} for {spec.Key.Url}"));
        }
        var length = response.Content.Headers.ContentLength ?? -1;
        var pieceSize = PieceSizePolicy.PieceSizeFor(length);
        if (length >= 0)
        {
            content.SetLayout(length, pieceSize);
            task.SetContentLength(length);
        }
        using var cutter = new PieceCutter(content, pieceSize);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var digest = await cutter.CopyAsync(body, [env.Limits.BackToSource, taskLimiter], piece =>
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
        await content.CompleteAsync(cutter.Written, digest.ToString(), cancellationToken);
        return DownloadOutcome.Success(content);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Going to the source for {Url}: {Reason}")]
    private partial void LogFallingBack(string reason, string url);
}
