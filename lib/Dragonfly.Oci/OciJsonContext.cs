using System.Text.Json.Serialization;

namespace Dragonfly.Oci;

[JsonSerializable(typeof(OciError.ErrorBody))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class OciJsonContext : JsonSerializerContext;
