using Dragonfly.Core;
using Dragonfly.Oci;
using Dragonfly.PeerDaemon.Download;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>
/// The pull side of the OCI distribution API for containerd (<c>hosts.toml</c>, which adds <c>?ns=</c>) and
/// Docker (<c>registry-mirrors</c>). Manifests, tags and the version check are asked of the upstream every
/// time; blobs, once the registry confirms this client may read them, come through the P2P engine as one task
/// per digest and stream as their pieces are verified. When the mirror cannot serve it says so at once, so
/// containerd moves on to its next host.
/// </summary>
public sealed partial class RegistryMirror(
    UpstreamResolver resolver,
    UpstreamClient upstream,
    BlobAccessGuard guard,
    PeerTaskManager tasks,
    ILogger<RegistryMirror> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        if (!OciPath.TryParse(request.Path.Value ?? "", out var path, out var pathError))
        {
            await ResponseRelay.WriteErrorAsync(context, pathError);
            return;
        }
        if (path.Endpoint == OciEndpoint.BlobUpload || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            await ResponseRelay.WriteErrorAsync(context, OciError.Unsupported($"{request.Method} {path.Endpoint} is not served: this mirror only serves pulls; push to the registry itself"));
            return;
        }
        var ns = request.Query["ns"];
        if (ns.Count > 1)
        {
            await ResponseRelay.WriteErrorAsync(context, OciError.NameInvalid("ns= is given more than once"));
            return;
        }
        var (registry, registryError) = resolver.Resolve(ns.ToString());
        if (registry is null)
        {
            await ResponseRelay.WriteErrorAsync(context, registryError!);
            return;
        }
        try
        {
            if (path.Endpoint == OciEndpoint.Blob)
            {
                await ServeBlobAsync(context, registry, path, cancellationToken);
            }
            else
            {
                await PassThroughAsync(context, registry, path, cancellationToken);
            }
        }
        catch (UpstreamUnavailableException e) when (!context.Response.HasStarted)
        {
            LogUpstreamUnavailable(registry.BaseAddress.Authority, e.Message);
            await ResponseRelay.WriteErrorAsync(context, OciError.Unavailable(e.Message));
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // The registry broke off an answer being relayed (a body cut short, a reset connection); the client
            // is still there. Before anything went out it gets an error; after, a body cut short, never a whole one.
            var authority = registry.BaseAddress.Authority;
            if (context.Response.HasStarted)
            {
                LogUpstreamBrokeOff(authority, path.Reference, "the response to the client is cut short", e.Message);
                context.Abort();
                return;
            }
            LogUpstreamBrokeOff(authority, path.Reference, "answering 502", e.Message);
            context.Response.Clear();
            await ResponseRelay.WriteErrorAsync(context, OciError.BadGateway($"registry {authority} broke off its answer for {path.Name}:{path.Reference}: {e.Message}"));
        }
    }

    /// <summary>
    /// Asks the upstream and relays its answer unchanged (status, headers, body), except that a manifest or blob it
    /// serves (200 to a GET) must be the content its digest names: a wrong manifest becomes a 502, a wrong blob a
    /// response aborted before its end.
    /// </summary>
    private async Task PassThroughAsync(HttpContext context, RegistryUpstream registry, OciPath path, CancellationToken cancellationToken)
    {
        var method = HttpMethods.IsHead(context.Request.Method) ? HttpMethod.Head : HttpMethod.Get;
        using var response = await upstream.SendAsync(registry, method, path, QueryWithoutNs(context.Request), context.Request.Headers, cancellationToken);
        var message = response.Message;
        if (method != HttpMethod.Get || message.StatusCode != System.Net.HttpStatusCode.OK)
        {
            await ResponseRelay.RelayAsync(message, context, cancellationToken);
            return;
        }
        switch (path.Endpoint)
        {
            case OciEndpoint.Manifest:
                if (await VerifyingRelay.RelayManifestAsync(message, context, registry, path, cancellationToken) is { } refused)
                {
                    LogUpstreamContentRejected(registry.BaseAddress.Authority, path.Reference, refused.Message);
                    await ResponseRelay.WriteErrorAsync(context, refused);
                }
                break;
            case OciEndpoint.Blob:
                if (await VerifyingRelay.RelayBlobAsync(message, context, path.Digest!.Value, cancellationToken) is { } wrong)
                {
                    LogUpstreamContentRejected(registry.BaseAddress.Authority, path.Reference, wrong);
                    context.Abort();
                }
                break;
            default:
                await ResponseRelay.RelayAsync(message, context, cancellationToken);
                break;
        }
    }

    private async Task ServeBlobAsync(HttpContext context, RegistryUpstream registry, OciPath path, CancellationToken cancellationToken)
    {
        var access = await guard.CheckAsync(registry, path, context.Request.Headers, cancellationToken);
        if (access is null || access.Length == 0)
        {
            // Refused, absent, or not a plain answer: the client gets exactly what the registry says.
            await PassThroughAsync(context, registry, path, cancellationToken);
            return;
        }
        var response = context.Response;
        var (range, rangeError) = BlobRange.Parse(context.Request.Headers.Range, access.Length);
        if (range is not { } r)
        {
            response.Headers.ContentRange = $"bytes */{access.Length}";
            await ResponseRelay.WriteErrorAsync(context, rangeError!);
            return;
        }
        response.Headers["Docker-Content-Digest"] = path.Reference;
        response.Headers.ETag = $"\"{path.Reference}\"";
        response.Headers.AcceptRanges = "bytes";
        response.ContentType = access.ContentType;
        response.ContentLength = r.Length;
        response.StatusCode = r.IsPartial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        if (r.IsPartial)
        {
            response.Headers.ContentRange = r.ContentRange(access.Length);
        }
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }
        var headers = access.Authorization is { } authorization
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Authorization"] = authorization }
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var spec = new DownloadSpec(new ContentKey(registry.UriFor(path.ToUpstreamPath()).AbsoluteUri, path.Reference), headers);
        var task = tasks.StartOrJoin(spec);
        var (written, error) = await PeerTaskReader.CopyAsync(task, r.Offset, r.Length, response.BodyWriter, cancellationToken);
        if (error is null)
        {
            return;
        }
        if (written == 0 && !response.HasStarted)
        {
            LogBlobFallback(path.Reference, error.Kind, error.Message);
            response.Clear();
            if (error.Kind == DownloadErrorKind.DigestMismatch)
            {
                await ResponseRelay.WriteErrorAsync(context, OciError.BadGateway($"registry {registry.BaseAddress.Authority} served content that does not match {path.Reference}: {error.Message}"));
                return;
            }
            context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            await PassThroughAsync(context, registry, path, cancellationToken);
            return;
        }
        LogBlobAborted(path.Reference, written, error.Kind, error.Message);
        context.Abort();
    }

    private static string QueryWithoutNs(HttpRequest request)
    {
        var kept = request.Query.Where(q => q.Key != "ns").SelectMany(q => q.Value.Select(v => Uri.EscapeDataString(q.Key) + "=" + Uri.EscapeDataString(v ?? ""))).ToArray();
        return kept.Length == 0 ? "" : "?" + string.Join('&', kept);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Registry} served {Reference} wrongly; not passed on: {Reason}")]
    private partial void LogUpstreamContentRejected(string registry, string reference, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Registry} broke off its answer for {Reference}; {Outcome}: {Reason}")]
    private partial void LogUpstreamBrokeOff(string registry, string reference, string outcome, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream {Registry} unavailable: {Reason}")]
    private partial void LogUpstreamUnavailable(string registry, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blob {Digest} could not be served by the engine ({Kind}: {Reason}); relaying the registry's answer")]
    private partial void LogBlobFallback(string digest, DownloadErrorKind kind, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob {Digest} failed after {Written} bytes were sent ({Kind}: {Reason}); aborting the response so the client retries")]
    private partial void LogBlobAborted(string digest, long written, DownloadErrorKind kind, string reason);
}
