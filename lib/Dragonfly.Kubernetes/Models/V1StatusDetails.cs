namespace Dragonfly.Kubernetes.Models;

public sealed class V1StatusDetails
{
    public string? Name { get; set; }
    public string? Group { get; set; }
    public string? Kind { get; set; }
    public List<V1StatusCause>? Causes { get; set; }
}
