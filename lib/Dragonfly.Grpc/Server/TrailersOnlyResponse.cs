using System.Globalization;
using Dragonfly.Grpc.Protocol;
using Microsoft.AspNetCore.Http;

namespace Dragonfly.Grpc.Server;

/// <summary>Ends a request before any handler runs, with the status in the response headers (a trailers-only response).</summary>
internal static class TrailersOnlyResponse
{
    public static Task WriteAsync(HttpContext httpContext, int httpStatus, Status status)
    {
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageHeader] = GrpcMessageEncoding.Encode(status.Detail);
        return response.CompleteAsync();
    }
}
