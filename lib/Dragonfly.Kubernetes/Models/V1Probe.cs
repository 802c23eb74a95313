namespace Dragonfly.Kubernetes.Models;

public sealed class V1Probe
{
    public V1HttpGetAction? HttpGet { get; set; }
    public V1TcpSocketAction? TcpSocket { get; set; }
    public int? InitialDelaySeconds { get; set; }
    public int? PeriodSeconds { get; set; }
    public int? TimeoutSeconds { get; set; }
    public int? FailureThreshold { get; set; }
}
