namespace Dragonfly.IntegrationTests.Kubernetes.Client;

public sealed class SprocketStatus
{
    public string? Phase { get; set; }

    public int? ObservedTeeth { get; set; }
}
