using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dragonfly.Grpc.Protocol;

/// <summary>
/// Every translation into a gRPC status: HTTP status codes and HTTP/2 error codes (per the gRPC spec's
/// http-grpc-status-mapping), status headers, and transport exceptions.
/// </summary>
internal static class GrpcStatusMapping
{
    public static StatusCode FromHttpStatus(HttpStatusCode httpStatus) => httpStatus switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests => StatusCode.Unavailable,
        HttpStatusCode.BadGateway => StatusCode.Unavailable,
        HttpStatusCode.ServiceUnavailable => StatusCode.Unavailable,
        HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM
        0x8 => StatusCode.Cancelled, // CANCEL
        0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    /// <summary>Reads <c>grpc-status</c> and <c>grpc-message</c>; null when no status is present.</summary>
    public static Status? FromHeaders(string? statusValue, string? messageValue)
    {
        if (statusValue is null)
        {
            return null;
        }

        if (!int.TryParse(statusValue, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Unknown, $"Unparsable grpc-status value '{statusValue}'.");
        }

        return new Status((StatusCode)code, GrpcMessageEncoding.Decode(messageValue));
    }

    /// <summary>The status for a transport failure that was not caused by a local cancellation or deadline.</summary>
    public static Status FromException(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case RpcException rpc:
                    return rpc.Status;
                case HttpProtocolException protocol:
                    return new Status(
                        FromHttp2ErrorCode(protocol.ErrorCode),
                        $"HTTP/2 stream reset by peer (error code 0x{protocol.ErrorCode:X}).");
                case SocketException socket:
                    return new Status(StatusCode.Unavailable, "Error connecting to the server: " + socket.Message);
            }
        }

        return exception switch
        {
            HttpRequestException or IOException => new Status(StatusCode.Unavailable, "Transport error: " + exception.Message),
            _ => new Status(StatusCode.Internal, "Unexpected client error: " + exception.Message),
        };
    }
}
