namespace Dragonfly.Kubernetes.Models;

public sealed class V1HttpGetAction
{
    public string? Path { get; set; }
    public IntOrString Port { get; set; } = 0;
}
