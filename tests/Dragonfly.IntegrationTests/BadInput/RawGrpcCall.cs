using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// Hand-made gRPC requests over HTTP/2 cleartext (prior knowledge), the way a broken or hostile client sends them:
/// any body bytes, any content type, any headers. The answer keeps the raw HTTP status and the grpc-status and
/// grpc-message from the trailers (or from the headers of a trailers-only response).
/// </summary>
internal static class RawGrpcCall
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>One length-prefixed message; <paramref name="declaredLength"/> may lie about the payload.</summary>
    public static byte[] Frame(byte[] payload, byte flag = 0, uint? declaredLength = null)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), declaredLength ?? (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    public static byte[] Frame(IMessage message) => Frame(message.ToByteArray());

    public static async Task<RawGrpcAnswer> PostAsync(string address, string path, byte[] body, string contentType = "application/grpc",
        IReadOnlyDictionary<string, string>? headers = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://{address}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await Http.SendAsync(request, cancellationToken);
        var responseBody = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawGrpcAnswer(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            Find(response, "grpc-status") is { } status ? int.Parse(status, System.Globalization.CultureInfo.InvariantCulture) : null,
            Find(response, "grpc-message") is { } message ? Uri.UnescapeDataString(message) : null,
            Messages(responseBody));
    }

    private static string? Find(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
        : response.Headers.TryGetValues(name, out var header) ? header.First()
        : null;

    /// <summary>The payloads of the response's frames (a malformed response body fails the test here).</summary>
    private static IReadOnlyList<byte[]> Messages(byte[] body)
    {
        var messages = new List<byte[]>();
        var offset = 0;
        while (offset < body.Length)
        {
            Assert.That(body.Length - offset, Is.GreaterThanOrEqualTo(5), "the server sent a truncated frame header");
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1, 4));
            Assert.That(body.Length - offset - 5, Is.GreaterThanOrEqualTo(length), "the server sent a truncated frame");
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }
        return messages;
    }
}

/// <param name="GrpcStatus">The numeric grpc-status, null when the server sent none (a plain HTTP answer).</param>
/// <param name="GrpcMessage">grpc-message, percent-decoded.</param>
internal sealed record RawGrpcAnswer(int HttpStatus, string? ContentType, int? GrpcStatus, string? GrpcMessage, IReadOnlyList<byte[]> Messages)
{
    public override string ToString() => $"HTTP {HttpStatus} ({ContentType}), grpc-status {GrpcStatus?.ToString() ?? "none"}: {GrpcMessage}";
}
