namespace Dragonfly.Kubernetes.Models;

public sealed class V1StatefulSetSpec
{
    public int? Replicas { get; set; }
    public string? ServiceName { get; set; }
    public V1LabelSelector Selector { get; set; } = new();
    public V1PodTemplateSpec Template { get; set; } = new();
    public List<V1PersistentVolumeClaim>? VolumeClaimTemplates { get; set; }
    /// <summary>OrderedReady or Parallel.</summary>
    public string? PodManagementPolicy { get; set; }
    public V1StatefulSetUpdateStrategy? UpdateStrategy { get; set; }
}
