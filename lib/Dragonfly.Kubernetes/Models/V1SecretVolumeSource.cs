namespace Dragonfly.Kubernetes.Models;

public sealed class V1SecretVolumeSource
{
    public string SecretName { get; set; } = string.Empty;
}
