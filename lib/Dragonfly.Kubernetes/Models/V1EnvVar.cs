namespace Dragonfly.Kubernetes.Models;

public sealed class V1EnvVar
{
    public string Name { get; set; } = string.Empty;
    public string? Value { get; set; }
    public V1EnvVarSource? ValueFrom { get; set; }
}
