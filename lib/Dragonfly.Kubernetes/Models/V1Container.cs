using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes.Models;

public sealed class V1Container
{
    public string Name { get; set; } = string.Empty;
    public string? Image { get; set; }
    public string? ImagePullPolicy { get; set; }
    public List<string>? Command { get; set; }
    public List<string>? Args { get; set; }
    public List<V1EnvVar>? Env { get; set; }
    public List<V1ContainerPort>? Ports { get; set; }
    public V1ResourceRequirements? Resources { get; set; }
    public List<V1VolumeMount>? VolumeMounts { get; set; }
    public V1Probe? ReadinessProbe { get; set; }
    public V1Probe? LivenessProbe { get; set; }
    public V1SecurityContext? SecurityContext { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }
}
