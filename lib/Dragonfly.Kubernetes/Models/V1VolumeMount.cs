namespace Dragonfly.Kubernetes.Models;

public sealed class V1VolumeMount
{
    public string Name { get; set; } = string.Empty;
    public string MountPath { get; set; } = string.Empty;
    public bool? ReadOnly { get; set; }
}
