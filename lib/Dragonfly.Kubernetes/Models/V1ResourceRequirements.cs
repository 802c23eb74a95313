namespace Dragonfly.Kubernetes.Models;

/// <summary>Quantities as the API writes them (<c>500m</c>, <c>1Gi</c>).</summary>
public sealed class V1ResourceRequirements
{
    public Dictionary<string, string>? Limits { get; set; }
    public Dictionary<string, string>? Requests { get; set; }
}
