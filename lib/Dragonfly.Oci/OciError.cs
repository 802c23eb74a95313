using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Oci;

/// <summary>One registry error: an HTTP status and the spec's <c>{"errors":[{code,message,detail}]}</c> body.</summary>
public sealed record OciError(int Status, string Code, string Message, string? Detail = null)
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(
        new ErrorBody([new ErrorEntry(Code, Message, Detail)]), OciJsonContext.Default.ErrorBody);

    public static OciError NameInvalid(string message) => new(400, OciErrorCode.NameInvalid, message);

    public static OciError DigestInvalid(string message) => new(400, OciErrorCode.DigestInvalid, message);

    public static OciError Unsupported(string message) => new(405, OciErrorCode.Unsupported, message);

    public static OciError NotFound(string message) => new(404, OciErrorCode.NameUnknown, message);

    public static OciError RangeInvalid(string message) => new(416, OciErrorCode.RangeInvalid, message);

    public static OciError Unavailable(string message) => new(503, OciErrorCode.UpstreamUnavailable, message);

    public static OciError BadGateway(string message) => new(502, OciErrorCode.UpstreamUnavailable, message);

    internal sealed record ErrorBody([property: JsonPropertyName("errors")] IReadOnlyList<ErrorEntry> Errors);

    internal sealed record ErrorEntry(
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail);
}
