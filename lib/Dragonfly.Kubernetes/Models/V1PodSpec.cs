using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes.Models;

public sealed class V1PodSpec
{
    public List<V1Container> Containers { get; set; } = [];
    public List<V1Container>? InitContainers { get; set; }
    public List<V1Volume>? Volumes { get; set; }
    public string? ServiceAccountName { get; set; }
    public bool? AutomountServiceAccountToken { get; set; }
    public long? TerminationGracePeriodSeconds { get; set; }
    public V1PodSecurityContext? SecurityContext { get; set; }
    public Dictionary<string, string>? NodeSelector { get; set; }

    /// <summary>Fields not modelled here (affinity, tolerations...) survive a round trip.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
