namespace Dragonfly.Kubernetes.Models;

public sealed class V1PodTemplateSpec
{
    public V1ObjectMeta? Metadata { get; set; }
    public V1PodSpec Spec { get; set; } = new();
}
