namespace Dragonfly.Kubernetes.Models;

public sealed class V1StatefulSetStatus
{
    public long? ObservedGeneration { get; set; }
    public int Replicas { get; set; }
    public int? ReadyReplicas { get; set; }
    public int? CurrentReplicas { get; set; }
    public int? UpdatedReplicas { get; set; }
    public string? CurrentRevision { get; set; }
    public string? UpdateRevision { get; set; }
}
