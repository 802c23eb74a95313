namespace Dragonfly.Kubernetes.Models;

public sealed class V1EventSource
{
    public string? Component { get; set; }
    public string? Host { get; set; }
}
