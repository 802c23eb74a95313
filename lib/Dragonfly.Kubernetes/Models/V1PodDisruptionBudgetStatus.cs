namespace Dragonfly.Kubernetes.Models;

public sealed class V1PodDisruptionBudgetStatus
{
    public int? CurrentHealthy { get; set; }
    public int? DesiredHealthy { get; set; }
    public int? DisruptionsAllowed { get; set; }
}
