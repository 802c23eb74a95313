using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>A bare HTTP/2 client that sends hand-made gRPC bodies, to test the server's protocol handling.</summary>
public sealed class RawGrpcClient : IDisposable
{
    private static readonly TimeSpan RequestLimit = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;

    public RawGrpcClient(Uri address)
    {
        _http = new HttpClient(new SocketsHttpHandler())
        {
            BaseAddress = address,
            Timeout = RequestLimit,
        };
    }

    public static byte[] Frame(IMessage message, bool compressedFlag = false)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public async Task<RawGrpcResponse> SendAsync(
        string path,
        byte[] body,
        string contentType = "application/grpc",
        HttpMethod? method = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (method is null || method == HttpMethod.Post)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var timeout = new CancellationTokenSource(RequestLimit);
        using var response = await _http.SendAsync(request, timeout.Token);
        var responseBody = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        return new RawGrpcResponse(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            Find(response, "grpc-status"),
            Find(response, "grpc-message"),
            Find(response, "grpc-accept-encoding"),
            responseBody);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A header's value from the trailers, or from the headers of a trailers-only response.</summary>
    private static string? Find(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
        : response.Headers.TryGetValues(name, out var header) ? header.First()
        : null;
}
