namespace Dragonfly.Kubernetes.Models;

public sealed class V1Capabilities
{
    public List<string>? Add { get; set; }
    public List<string>? Drop { get; set; }
}
