using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Dragonfly.Core;
using Dragonfly.Core.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.LocalCluster;

/// <summary>
/// A plain HTTP file server standing in for any source: files from one directory, single Range requests,
/// an optional upload cap, intermittent faults on demand, and exact counts of what it served (the figure
/// "source egress" comes from).
/// </summary>
public sealed class OriginServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _root;
    private readonly ConcurrentQueue<string?> _ranges = new();
    private long _bytesServed;
    private int _requests;
    private int _faultsInjected;

    private OriginServer(WebApplication app, string root, ByteRateLimiter limiter)
    {
        _app = app;
        _root = root;
        Limiter = limiter;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public ByteRateLimiter Limiter { get; }

    public long BytesServed => Interlocked.Read(ref _bytesServed);

    /// <summary>GET requests received.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The Range header of each GET request received, in order (null for a request of the whole).</summary>
    public IReadOnlyList<string?> Ranges => _ranges.ToArray();

    /// <summary>When set, answers every GET with this status instead of content.</summary>
    public int? ForcedStatus { get; set; }

    /// <summary>The fault injected into every <see cref="FaultEvery"/>-th GET request (the 1st, the k+1-th, ...).</summary>
    public OriginFault Fault { get; set; }

    /// <summary>Which GET requests get <see cref="Fault"/>: 1 is every one, 3 is the 1st, 4th, 7th, ...</summary>
    public int FaultEvery { get; set; } = 1;

    /// <summary>GET requests that got <see cref="Fault"/>.</summary>
    public int FaultsInjected => Volatile.Read(ref _faultsInjected);

    /// <summary>When set, only requests carrying exactly this Authorization header get content; others get 401.</summary>
    public string? RequiredAuthorization { get; set; }

    /// <summary>When true, full responses carry no Content-Length (chunked), as from a generated or streamed source.</summary>
    public bool OmitContentLength { get; set; }

    /// <summary>
    /// When set, GET responses send their headers at once and hold the body until this task completes: a source
    /// whose length is known to every client while no download can finish yet.
    /// </summary>
    public Task? HoldBodiesUntil { get; set; }

    public Uri UrlOf(string fileName) => new(BaseAddress, fileName);

    /// <summary>Starts serving <paramref name="root"/>; over HTTPS with <paramref name="certificate"/> when given.</summary>
    public static async Task<OriginServer> StartAsync(string root, IPAddress address, long uploadBytesPerSecond = 0, CancellationToken cancellationToken = default,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        var app = builder.Build();
        var origin = new OriginServer(app, Path.GetFullPath(root), new ByteRateLimiter(uploadBytesPerSecond));
        app.MapMethods("/{**path}", ["GET", "HEAD"], origin.ServeAsync);
        await app.StartAsync(cancellationToken);
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        origin.BaseAddress = new Uri($"{(certificate is null ? "http" : "https")}://{address}:{bound.Port}/");
        return origin;
    }

    private async Task ServeAsync(HttpContext context, string path)
    {
        var isGet = HttpMethods.IsGet(context.Request.Method);
        var fault = OriginFault.None;
        if (isGet)
        {
            _ranges.Enqueue(context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null);
            var number = Interlocked.Increment(ref _requests);
            if (Fault != OriginFault.None && (number - 1) % Math.Max(1, FaultEvery) == 0)
            {
                fault = Fault;
                Interlocked.Increment(ref _faultsInjected);
            }
        }
        if (fault == OriginFault.ServiceUnavailable)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        if (ForcedStatus is { } forced)
        {
            context.Response.StatusCode = forced;
            return;
        }
        if (RequiredAuthorization is not null && context.Request.Headers.Authorization.ToString() != RequiredAuthorization)
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"origin\"";
            return;
        }
        var file = Path.GetFullPath(Path.Combine(_root, path));
        if (!file.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var length = new FileInfo(file).Length;
        long first = 0, last = length - 1;
        if (TryParseRange(context.Request.Headers.Range.ToString(), length, out var range))
        {
            if (range.First >= length)
            {
                context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                return;
            }
            (first, last) = (range.First, Math.Min(range.Last, length - 1));
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {first}-{last}/{length}");
        }
        context.Response.Headers.AcceptRanges = "bytes";
        context.Response.ContentType = "application/octet-stream";
        if (!OmitContentLength || context.Response.StatusCode == StatusCodes.Status206PartialContent)
        {
            context.Response.ContentLength = last - first + 1;
        }
        if (!isGet)
        {
            return;
        }
        if (HoldBodiesUntil is { } hold)
        {
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await hold.WaitAsync(context.RequestAborted);
        }
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        stream.Position = first;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var remaining = last - first + 1;
            // A reset mid-body: the client has the headers (with the full length) and half the bytes.
            var resetAfter = fault == OriginFault.ResetMidBody ? remaining / 2 : long.MaxValue;
            var sent = 0L;
            while (remaining > 0)
            {
                if (sent >= resetAfter)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    context.Abort();
                    return;
                }
                var want = (int)Math.Min(buffer.Length, Math.Min(remaining, resetAfter - sent));
                var read = await stream.ReadAsync(buffer.AsMemory(0, want), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }
                await Limiter.AcquireAsync(read, context.RequestAborted);
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                Interlocked.Add(ref _bytesServed, read);
                remaining -= read;
                sent += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One range, closed (<c>bytes=10-19</c>), open (<c>bytes=10-</c>) or a suffix (<c>bytes=-10</c>), as HTTP servers take them.</summary>
    private static bool TryParseRange(string header, long length, out ByteRange range)
    {
        range = default;
        if (!System.Net.Http.Headers.RangeHeaderValue.TryParse(header, out var parsed) || parsed.Unit != "bytes" || parsed.Ranges.Count != 1)
        {
            return false;
        }
        var item = parsed.Ranges.First();
        range = item switch
        {
            { From: { } from, To: { } to } => new ByteRange(from, to),
            { From: { } from } => new ByteRange(from, long.MaxValue),
            { To: { } suffix } => new ByteRange(Math.Max(0, length - suffix), long.MaxValue),
            _ => default,
        };
        return item.From is not null || item.To is not null;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
