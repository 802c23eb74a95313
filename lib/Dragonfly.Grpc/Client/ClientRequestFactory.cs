using System.Net;
using System.Net.Http.Headers;
using Dragonfly.Grpc.Protocol;

namespace Dragonfly.Grpc.Client;

/// <summary>Builds the HTTP/2 request of a call: POST to the method path, gRPC headers, then the caller's metadata.</summary>
internal static class ClientRequestFactory
{
    public static HttpRequestMessage Create(Uri address, string methodPath, HttpContent content, Metadata? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, methodPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        foreach (var entry in headers ?? [])
        {
            if (!MetadataHeaders.IsReserved(entry.Key))
            {
                request.Headers.TryAddWithoutValidation(entry.Key, entry.Value);
            }
        }

        return request;
    }
}
