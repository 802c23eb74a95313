namespace Dragonfly.Kubernetes.Models;

public sealed class V1Volume
{
    public string Name { get; set; } = string.Empty;
    public V1ConfigMapVolumeSource? ConfigMap { get; set; }
    public V1SecretVolumeSource? Secret { get; set; }
    public V1EmptyDirVolumeSource? EmptyDir { get; set; }
}
