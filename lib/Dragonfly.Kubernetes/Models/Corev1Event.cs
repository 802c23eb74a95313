namespace Dragonfly.Kubernetes.Models;

/// <summary>A core/v1 Event, the kind <c>kubectl describe</c> shows.</summary>
[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "Event", PluralName = "events")]
public sealed class Corev1Event : KubernetesObject
{
    public V1ObjectReference InvolvedObject { get; set; } = new();
    public string? Reason { get; set; }
    public string? Message { get; set; }
    /// <summary>Normal or Warning.</summary>
    public string? Type { get; set; }
    public int? Count { get; set; }
    public DateTimeOffset? FirstTimestamp { get; set; }
    public DateTimeOffset? LastTimestamp { get; set; }
    public V1EventSource? Source { get; set; }
    public string? ReportingComponent { get; set; }
    public string? ReportingInstance { get; set; }
}
