using System.Text.Json.Serialization;

namespace Dragonfly.Oci;

/// <summary>A token server's answer (Docker registry token authentication).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string? Token,
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int? ExpiresIn);
