using Dragonfly.Oci;
using Dragonfly.Transfer;
using Microsoft.AspNetCore.Http;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>Writes an upstream's response, or a spec-shaped error, to the client.</summary>
public static class ResponseRelay
{
    /// <summary>Status, end-to-end headers (exact Content-Length, Content-Type, Docker-Content-Digest) and, unless a HEAD, the body.</summary>
    public static async Task RelayAsync(HttpResponseMessage message, HttpContext context, CancellationToken cancellationToken)
    {
        CopyStatusAndHeaders(message, context.Response);
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await using var body = await message.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(context.Response.Body, cancellationToken);
        }
    }

    public static void CopyStatusAndHeaders(HttpResponseMessage message, HttpResponse response)
    {
        response.StatusCode = (int)message.StatusCode;
        foreach (var (name, values) in message.Headers.Concat(message.Content.Headers))
        {
            if (!HopByHopHeaders.Contains(name))
            {
                response.Headers[name] = values.ToArray();
            }
        }
    }

    public static async Task WriteErrorAsync(HttpContext context, OciError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        var body = error.ToJson();
        response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }
}
