using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes.Models;

public sealed class V1ServiceStatus
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
