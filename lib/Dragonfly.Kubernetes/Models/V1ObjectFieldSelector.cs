namespace Dragonfly.Kubernetes.Models;

/// <summary>A field of the pod, e.g. <c>metadata.name</c> or <c>status.podIP</c>.</summary>
public sealed class V1ObjectFieldSelector
{
    public string FieldPath { get; set; } = string.Empty;
}
