using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes.Models;

public sealed class V1ObjectMeta
{
    public string? Name { get; set; }
    public string? GenerateName { get; set; }
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }
    public string? Uid { get; set; }
    public string? ResourceVersion { get; set; }
    public long? Generation { get; set; }
    public DateTimeOffset? CreationTimestamp { get; set; }
    public DateTimeOffset? DeletionTimestamp { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
    public Dictionary<string, string>? Annotations { get; set; }
    public List<string>? Finalizers { get; set; }
    public List<V1OwnerReference>? OwnerReferences { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
