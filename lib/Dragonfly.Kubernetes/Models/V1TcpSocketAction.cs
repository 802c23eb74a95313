namespace Dragonfly.Kubernetes.Models;

public sealed class V1TcpSocketAction
{
    public IntOrString Port { get; set; } = 0;
}
