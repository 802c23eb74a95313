using Dragonfly.Core;
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
/// <remarks>
/// Pieces P2P already verified are kept, in the same content, so readers streaming it go on without a break:
/// <list type="bullet">
/// <item>When the request pins the content's digest, only the rest is asked for, from the first piece not held
/// (a range request). The chain continues from the last held piece's digest, and the pinned digest checks the whole.</item>
/// <item>Otherwise the whole content is fetched again (nothing else proves the rest is the same version), and only
/// the pieces not held are written; where the source's chain stands after each held piece must be that piece's digest.</item>
/// </list>
/// When what is held does not match the source (the content changed there, or P2P was lied to), the content is
/// dropped and fetched whole: a reader that had sent bytes of it stops with an error rather than mix two versions.
/// </remarks>
internal sealed partial class BackToSourceDownload(DownloadEnvironment env, DownloadSpec spec, PeerTask task, ByteRateLimiter taskLimiter)
{
    private readonly ILogger _logger = env.LoggerFactory.CreateLogger<BackToSourceDownload>();

    public async Task<DownloadOutcome> RunAsync(string reason, CancellationToken cancellationToken)
    {
        LogFallingBack(reason, spec.Key.Url);
        if (task.Content is { IsClosed: false, IsComplete: false, ContentLength: > 0, HeldCount: > 0 } held)
        {
            var finished = await GuardAsync(held, () => FinishHeldAsync(held, cancellationToken), cancellationToken);
            if (finished is not null)
            {
                return finished;
            }
        }
        env.Store.Delete(task.TaskId);
        task.ResetCompleted();
        var content = env.Store.GetOrCreate(task.TaskId);
        task.Attach(content);
        return (await GuardAsync(content, () => FetchWholeAsync(content, cancellationToken), cancellationToken))!;
    }

    /// <summary>Runs a fetch into <paramref name="content"/>, turning storage and source faults into outcomes; drops the content when it fails.</summary>
    private async Task<DownloadOutcome?> GuardAsync(StoredContent content, Func<Task<DownloadOutcome?>> fetch, CancellationToken cancellationToken)
    {
        try
        {
            var outcome = await fetch();
            if (outcome?.Error is not null)
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
        catch (Exception e) when (e is HttpRequestException or IOException && e is not SourceMismatchException && !cancellationToken.IsCancellationRequested)
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

    private async Task<DownloadOutcome?> FetchWholeAsync(StoredContent content, CancellationToken cancellationToken)
    {
        using var fetch = await OpenAsync(spec.Key, cancellationToken);
        if (Refused(fetch, spec.Key) is { } refused)
        {
            return refused;
        }
        var length = fetch.Response.Content.Headers.ContentLength ?? -1;
        var pieceSize = PieceSizePolicy.Default.PieceSizeFor(length);
        if (length >= 0)
        {
            content.SetLayout(length, pieceSize);
            task.SetContentLength(length);
        }
        using var cutter = new PieceCutter(content, pieceSize);
        var digest = await CutAsync(cutter, fetch, cancellationToken);
        if (length >= 0 && cutter.Written != length)
        {
            return DownloadOutcome.Failure(DownloadErrorKind.SourceFailed, $"source closed the connection after {cutter.Written} of {length} bytes");
        }
        if (spec.Key.Digest is not null && digest.ToString() != spec.Key.Digest)
        {
            return DownloadOutcome.Failure(DownloadErrorKind.DigestMismatch, $"content from {spec.Key.Url} has digest {digest}, expected {spec.Key.Digest}");
        }
        task.SetContentLength(cutter.Written);
        return await CompleteAsync(content, cutter.Written, digest, cancellationToken);
    }

    /// <summary>
    /// Completes content P2P left partly held (see the remarks). Returns null when what is held does not match the
    /// source, or the source cannot send the rest, so the content must be fetched whole instead.
    /// </summary>
    private async Task<DownloadOutcome?> FinishHeldAsync(StoredContent content, CancellationToken cancellationToken)
    {
        var layout = new PieceLayout(content.ContentLength, content.PieceSize);
        var first = 0;
        if (spec.Key.Digest is not null)
        {
            while (first < layout.PieceCount - 1 && content.IsHeld(first))
            {
                first++;
            }
        }
        var start = PieceDigest.Initial;
        if (first > 0)
        {
            if (!content.TryGetHeld(first - 1, out var before) || before.Digest.IsFinal)
            {
                return null;
            }
            start = before.Digest;
        }
        var key = first == 0 ? spec.Key : spec.Key with { Range = RestOf(layout, first).ToString() };
        LogFinishing(spec.Key.Url, content.HeldCount, layout.PieceCount, layout.OffsetOf(first));
        using var fetch = await OpenAsync(key, cancellationToken);
        if (Refused(fetch, key) is { } refused)
        {
            if (first == 0)
            {
                return refused;
            }
            // The source may not take ranges (200), or refuse one it would send whole (400, 416, 501, a CDN's quirk):
            // the whole request decides.
            LogStartingOver(spec.Key.Url, $"asking for the rest, the source answered {(int)fetch.Response.StatusCode} {fetch.Response.ReasonPhrase}");
            return null;
        }
        if (LengthMismatch(fetch, layout, first) is { } mismatch)
        {
            LogStartingOver(spec.Key.Url, mismatch);
            return null;
        }
        using var cutter = PieceCutter.Resume(content, first, start);
        Digest digest;
        try
        {
            digest = await CutAsync(cutter, fetch, cancellationToken);
        }
        catch (SourceMismatchException e)
        {
            LogStartingOver(spec.Key.Url, e.Message);
            return null;
        }
        if (spec.Key.Digest is not null && digest.ToString() != spec.Key.Digest)
        {
            if (first == 0)
            {
                return DownloadOutcome.Failure(DownloadErrorKind.DigestMismatch, $"content from {spec.Key.Url} has digest {digest}, expected {spec.Key.Digest}");
            }
            // The source's rest does not complete the pieces held into the pinned content: those were not what they seemed.
            LogStartingOver(spec.Key.Url, $"the {first} pieces held and the source's rest have digest {digest}, expected {spec.Key.Digest}");
            return null;
        }
        return await CompleteAsync(content, layout.ContentLength, digest, cancellationToken);
    }

    /// <summary>The source range holding the content from piece <paramref name="first"/> to its end.</summary>
    private ByteRange RestOf(PieceLayout layout, int first)
    {
        var origin = ByteRange.TryParse(spec.Key.Range, out var range) ? range.Value.First : 0;
        return new ByteRange(origin + layout.OffsetOf(first), origin + layout.ContentLength - 1);
    }

    /// <summary>Why the source's answer cannot complete the content as laid out (its length changed); null when it can.</summary>
    private string? LengthMismatch(SourceFetch fetch, PieceLayout layout, int first)
    {
        var headers = fetch.Response.Content.Headers;
        var rest = layout.ContentLength - layout.OffsetOf(first);
        if (headers.ContentLength is { } length && length != rest)
        {
            return $"the source now sends {length} bytes where {rest} were expected";
        }
        if (first > 0 && string.IsNullOrEmpty(spec.Key.Range) && headers.ContentRange?.Length is { } total && total != layout.ContentLength)
        {
            return $"the source's content is now {total} bytes, not {layout.ContentLength}";
        }
        return null;
    }

    private Task<SourceFetch> OpenAsync(ContentKey key, CancellationToken cancellationToken) =>
        SourceFetch.OpenAsync(env.SourceClient, key, spec.Headers, SourceRetryPolicy.Default, env.Time,
            reason => LogRetrying(spec.Key.Url, reason), cancellationToken);

    /// <summary>The failure when the source did not answer with the content.</summary>
    private static DownloadOutcome? Refused(SourceFetch fetch, ContentKey key)
    {
        var response = fetch.Response;
        return response.StatusCode == SourceRequests.ExpectedStatus(key)
            ? null
            : DownloadOutcome.Failure(DownloadError.FromSourceStatus(
                (int)response.StatusCode, $"source answered {(int)response.StatusCode} {response.ReasonPhrase} for {key.Url}{SourceFetch.Tries(fetch.Attempts)}"));
    }

    private Task<Digest> CutAsync(PieceCutter cutter, SourceFetch fetch, CancellationToken cancellationToken) =>
        cutter.CopyAsync(fetch.Body, [env.Limits.BackToSource, taskLimiter], piece =>
        {
            task.AddCompleted(piece.Size);
            task.Traffic.AddSource(piece.Size);
        }, cancellationToken);

    private async Task<DownloadOutcome> CompleteAsync(StoredContent content, long length, Digest digest, CancellationToken cancellationToken)
    {
        content.MarkVerified();
        task.Pulse();
        await content.CompleteAsync(length, digest.ToString(), cancellationToken);
        return DownloadOutcome.Success(content);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Url} from the source: {Reason}")]
    private partial void LogRetrying(string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Going to the source for {Url}: {Reason}")]
    private partial void LogFallingBack(string reason, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Finishing {Url} from the source, keeping the {Held} of {Pieces} pieces held; asking from byte {Offset}")]
    private partial void LogFinishing(string url, int held, int pieces, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The pieces held of {Url} do not match the source ({Reason}); fetching it whole")]
    private partial void LogStartingOver(string url, string reason);
}
