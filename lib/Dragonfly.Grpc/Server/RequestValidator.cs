using Dragonfly.Grpc.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Grpc.Server;

/// <summary>Rejects requests that are not gRPC this server can speak, as the gRPC HTTP/2 spec asks.</summary>
internal static class RequestValidator
{
    /// <summary>Writes the rejection and returns true when the request must not reach a handler.</summary>
    public static async Task<bool> TryRejectAsync(HttpContext httpContext, ILogger logger)
    {
        var request = httpContext.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            httpContext.Response.Headers.Allow = HttpMethods.Post;
            await RejectAsync(httpContext, logger, StatusCodes.Status405MethodNotAllowed, StatusCode.Internal,
                $"Request method '{request.Method}' is not supported: gRPC requires POST.").ConfigureAwait(false);
            return true;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            await RejectAsync(httpContext, logger, StatusCodes.Status426UpgradeRequired, StatusCode.Internal,
                $"Request protocol '{request.Protocol}' is not supported: gRPC requires HTTP/2.").ConfigureAwait(false);
            return true;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            await RejectAsync(httpContext, logger, StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal,
                $"Content-Type '{request.ContentType}' is not supported: expected '{GrpcProtocol.ContentType}'.").ConfigureAwait(false);
            return true;
        }

        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !encoding.Equals(GrpcProtocol.IdentityEncoding, StringComparison.OrdinalIgnoreCase))
        {
            httpContext.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            await RejectAsync(httpContext, logger, StatusCodes.Status200OK, StatusCode.Unimplemented,
                $"Unsupported grpc-encoding '{encoding}': this server supports only '{GrpcProtocol.IdentityEncoding}'.").ConfigureAwait(false);
            return true;
        }

        return false;
    }

    private static Task RejectAsync(HttpContext httpContext, ILogger logger, int httpStatus, StatusCode code, string detail)
    {
        ServerLog.RequestRejected(logger, httpContext.Request.Path, httpStatus, detail);
        return TrailersOnlyResponse.WriteAsync(httpContext, httpStatus, new Status(code, detail));
    }
}
