namespace Dragonfly.Kubernetes.Models;

public sealed class V1CustomResourceDefinitionStatus
{
    /// <summary>Established, NamesAccepted, NonStructuralSchema...</summary>
    public List<V1Condition>? Conditions { get; set; }
}
