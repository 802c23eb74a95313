namespace Dragonfly.Kubernetes.Models;

public sealed class V1PodDisruptionBudgetSpec
{
    public IntOrString? MinAvailable { get; set; }
    public IntOrString? MaxUnavailable { get; set; }
    public V1LabelSelector? Selector { get; set; }
}
