using System.Globalization;
using Dragonfly.Core;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Dragonfly.Transfer;

/// <summary>
/// <c>GET /download/{taskId}</c> with <c>Range: bytes=first-last</c>: the bytes of held pieces, raw, 206.
/// A range that is not entirely held is refused with 416, so a peer never serves bytes it has not verified.
/// </summary>
public static class PieceServerEndpoints
{
    public const string RoutePrefix = "/download/";
    private const int MinStep = 64 * 1024;
    private const int MaxStep = 1024 * 1024;

    public static IEndpointConventionBuilder MapPieceDownload(
        this IEndpointRouteBuilder endpoints,
        Func<TaskId, StoredContent?> lookup,
        ByteRateLimiter uploadLimiter,
        Action<long>? bytesServed = null) =>
        endpoints.MapGet(RoutePrefix + "{taskId}", (HttpContext context, string taskId) =>
            ServeAsync(context, taskId, lookup, uploadLimiter, bytesServed));

    private static async Task ServeAsync(HttpContext context, string taskIdText, Func<TaskId, StoredContent?> lookup, ByteRateLimiter limiter, Action<long>? bytesServed)
    {
        var response = context.Response;
        if (!TaskId.TryParse(taskIdText, out var taskId))
        {
            await PlainAsync(response, StatusCodes.Status400BadRequest, "task id must be 64 lowercase hex characters");
            return;
        }
        // The lease keeps the content from being evicted while it is sent.
        using var lease = lookup(taskId.Value)?.TryAcquire();
        if (lease is null)
        {
            await PlainAsync(response, StatusCodes.Status404NotFound, $"task {taskId} is not held here");
            return;
        }
        var content = lease.Content;
        var rangeHeader = context.Request.Headers.Range.ToString();
        ByteRange range;
        if (string.IsNullOrEmpty(rangeHeader))
        {
            if (!content.IsComplete || content.ContentLength <= 0)
            {
                await PlainAsync(response, StatusCodes.Status416RangeNotSatisfiable, "a Range header is required while the content is incomplete");
                return;
            }
            range = new ByteRange(0, content.ContentLength - 1);
        }
        else if (!ByteRange.TryParse(rangeHeader, out var parsed))
        {
            await PlainAsync(response, StatusCodes.Status400BadRequest, "Range must be a single closed range: bytes=<first>-<last>");
            return;
        }
        else
        {
            range = parsed.Value;
        }
        if (!content.IsRangeHeld(range.First, range.Length))
        {
            await PlainAsync(response, StatusCodes.Status416RangeNotSatisfiable, $"{range} is not entirely held here");
            return;
        }
        response.StatusCode = string.IsNullOrEmpty(rangeHeader) ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent;
        response.ContentType = "application/octet-stream";
        response.ContentLength = range.Length;
        if (!string.IsNullOrEmpty(rangeHeader))
        {
            var total = content.ContentLength >= 0 ? content.ContentLength.ToString(CultureInfo.InvariantCulture) : "*";
            response.Headers.ContentRange = $"bytes {range.First}-{range.Last}/{total}";
        }
        await CopyAsync(content, range, response, limiter, bytesServed, context.RequestAborted);
    }

    private static async Task CopyAsync(StoredContent content, ByteRange range, HttpResponse response, ByteRateLimiter limiter, Action<long>? bytesServed, CancellationToken cancellationToken)
    {
        // Each step is a file read, a wait for the upload limiter and a socket write, each a thread switch or
        // two; a quarter second of the upload rate per step (what the limiter's bucket holds) keeps them few.
        // The file is read straight into the response pipe's memory, so no byte is copied through a buffer of ours
        // on its way to the socket (as the mirror's reader does), and on the calling thread: with many small steps
        // under an upload limit, a hop to another pool thread per read costs a busy daemon more than it overlaps.
        var step = limiter.IsUnlimited ? MaxStep : (int)Math.Clamp(limiter.BytesPerSecond / 4, MinStep, MaxStep);
        var writer = response.BodyWriter;
        var offset = range.First;
        var remaining = range.Length;
        var slice = new ThreadSlice();
        while (remaining > 0)
        {
            var want = (int)Math.Min(step, remaining);
            var memory = writer.GetMemory(want);
            var read = await content.ReadAsync(offset, memory[..Math.Min(want, memory.Length)], cancellationToken);
            if (read == 0)
            {
                throw new IOException($"task {content.Id} data ends at {offset}, before the held range does");
            }
            await limiter.AcquireAsync(read, cancellationToken);
            writer.Advance(read);
            var flushed = await writer.FlushAsync(cancellationToken);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                throw new OperationCanceledException("the client stopped reading", cancellationToken);
            }
            bytesServed?.Invoke(read);
            offset += read;
            remaining -= read;
            await slice.PassAsync();
        }
    }

    private static Task PlainAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(message + "\n");
    }
}
