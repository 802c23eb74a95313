namespace Dragonfly.Kubernetes.Models;

public sealed class V1LabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }
}
