using System.Text.RegularExpressions;
using Dragonfly.Core;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Transfer;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>
/// HTTP proxy mode (<c>http_proxy=http://127.0.0.1:65001</c>): a GET whose absolute URL matches one of
/// <c>mirror:proxyRules</c> is downloaded through the P2P engine and streamed as it arrives; every other
/// request is relayed to its server directly, so setting the proxy never breaks a client.
/// </summary>
public sealed partial class FileProxy
{

    private readonly Regex[] _rules;
    private readonly PeerTaskManager _tasks;
    private readonly HttpClient _direct;
    private readonly ILogger<FileProxy> _logger;

    public FileProxy(MirrorOptions options, PeerTaskManager tasks, HttpClient direct, ILogger<FileProxy> logger)
    {
        _rules = options.ProxyRules.Select(r => new Regex(r, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))).ToArray();
        _tasks = tasks;
        _direct = direct;
        _logger = logger;
    }

    /// <summary>True for a proxy request: its target is an absolute URL (<c>GET http://host/path HTTP/1.1</c>).</summary>
    public static bool IsProxyRequest(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { } target
        && (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    public bool Matches(string url) => _rules.Any(rule => rule.IsMatch(url));

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, $"the proxy relays plain http:// URLs only, got '{Shorten(target)}'; fetch https URLs with dfget");
            return;
        }
        var error = HttpHeaders.TryCollect(request.Headers.Where(h => !HopByHopHeaders.Contains(h.Key) && !OwnFraming(h.Key)).Select(h => KeyValuePair.Create(h.Key, h.Value.ToString())), out var headers);
        if (error is not null)
        {
            await WriteTextAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }
        if (HttpMethods.IsGet(request.Method) && !request.Headers.ContainsKey("Range") && Matches(uri.AbsoluteUri)
            && await TryServeThroughEngineAsync(context, uri, headers))
        {
            return;
        }
        await RelayDirectAsync(context, uri, headers);
    }

    /// <returns>False when nothing was sent and the request should be relayed directly instead.</returns>
    private async Task<bool> TryServeThroughEngineAsync(HttpContext context, Uri uri, Dictionary<string, string> headers)
    {
        var cancellationToken = context.RequestAborted;
        var task = _tasks.StartOrJoin(new DownloadSpec(new ContentKey(uri.AbsoluteUri), headers));
        var (length, error) = await PeerTaskReader.WaitForLengthAsync(task, cancellationToken);
        if (error is not null)
        {
            switch (error.Kind)
            {
                case DownloadErrorKind.SourceNotFound:
                    await WriteTextAsync(context, StatusCodes.Status404NotFound, error.Message);
                    return true;
                case DownloadErrorKind.SourceDenied:
                    // Relay directly so the client sees the server's own challenge.
                    return false;
                default:
                    LogEngineFailed(uri.AbsoluteUri, error.Kind, error.Message);
                    return false;
            }
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentLength = length;
        var (written, copyError) = await PeerTaskReader.CopyAsync(task, 0, length, context.Response.BodyWriter, cancellationToken);
        if (copyError is null)
        {
            return true;
        }
        if (written == 0 && !context.Response.HasStarted)
        {
            context.Response.Clear();
            LogEngineFailed(uri.AbsoluteUri, copyError.Kind, copyError.Message);
            return false;
        }
        LogAborted(uri.AbsoluteUri, written, copyError.Message);
        context.Abort();
        return true;
    }

    private async Task RelayDirectAsync(HttpContext context, Uri uri, Dictionary<string, string> headers)
    {
        var request = context.Request;
        using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            outgoing.Content = new StreamContent(request.Body);
        }
        foreach (var (name, value) in headers)
        {
            if (!outgoing.Headers.TryAddWithoutValidation(name, value))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }
        HttpResponseMessage response;
        try
        {
            response = await _direct.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            await WriteTextAsync(context, StatusCodes.Status502BadGateway, $"{uri.Authority} could not be reached: {e.Message}");
            return;
        }
        using (response)
        {
            await ResponseRelay.RelayAsync(response, context, context.RequestAborted);
        }
    }

    /// <summary>The request's own framing, which the outgoing request sets for itself.</summary>
    private static bool OwnFraming(string name) =>
        name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);

    private static async Task WriteTextAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted);
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy: the engine could not serve {Url} ({Kind}: {Reason}); relaying directly")]
    private partial void LogEngineFailed(string url, DownloadErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Proxy: {Url} failed after {Written} bytes ({Reason}); aborting the response")]
    private partial void LogAborted(string url, long written, string reason);
}
