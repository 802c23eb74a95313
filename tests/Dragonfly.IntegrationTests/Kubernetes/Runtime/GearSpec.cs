namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

public sealed class GearSpec
{
    public int Teeth { get; set; }
}
