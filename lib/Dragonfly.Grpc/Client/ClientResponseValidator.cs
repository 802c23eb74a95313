using System.Net;
using Dragonfly.Grpc.Protocol;

namespace Dragonfly.Grpc.Client;

/// <summary>Decides from the response headers alone whether the call has already ended.</summary>
internal static class ClientResponseValidator
{
    /// <summary>
    /// The final status when the headers end the call: a non-200 HTTP status (mapped per the gRPC spec), a
    /// trailers-only response carrying grpc-status, or a content type that is not gRPC; otherwise null.
    /// </summary>
    public static Status? GetHeaderStatus(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Status(
                GrpcStatusMapping.FromHttpStatus(response.StatusCode),
                $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        var headerStatus = GrpcStatusMapping.FromHeaders(
            First(response, GrpcProtocol.StatusHeader),
            First(response, GrpcProtocol.MessageHeader));
        if (headerStatus is not null)
        {
            return headerStatus;
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            return new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: '{contentType}'.");
        }

        return null;
    }

    private static string? First(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
