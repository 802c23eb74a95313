namespace Dragonfly.Kubernetes.Models;

public sealed class V1ServiceSpec
{
    /// <summary>ClusterIP, NodePort, LoadBalancer; <c>None</c> in <see cref="ClusterIP"/> makes a headless service.</summary>
    public string? Type { get; set; }
    public string? ClusterIP { get; set; }
    public Dictionary<string, string>? Selector { get; set; }
    public List<V1ServicePort>? Ports { get; set; }
    public bool? PublishNotReadyAddresses { get; set; }
}
