namespace Dragonfly.Kubernetes.Models;

public sealed class V1ConfigMapVolumeSource
{
    public string Name { get; set; } = string.Empty;
}
