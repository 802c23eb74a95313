namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

public sealed class GearStatus
{
    public string? Phase { get; set; }
}
