namespace Dragonfly.Kubernetes.Models;

public sealed class V1ContainerPort
{
    public string? Name { get; set; }
    public int ContainerPort { get; set; }
    public string? Protocol { get; set; }
}
