namespace Dragonfly.Kubernetes.Models;

public sealed class V1HttpGetAction
{
    public string? Path { get; set; }
    public IntOrString Port { get; set; } = 0;
    /// <summary>HTTP or HTTPS (the kubelet does not verify the certificate); null is HTTP.</summary>
    public string? Scheme { get; set; }
}
