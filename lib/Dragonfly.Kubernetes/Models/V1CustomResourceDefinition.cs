namespace Dragonfly.Kubernetes.Models;

/// <summary>A CustomResourceDefinition. The spec is kept as raw JSON (in the extension data); the status's conditions say when it is Established.</summary>
[KubernetesEntity(Group = "apiextensions.k8s.io", ApiVersion = "v1", Kind = "CustomResourceDefinition", PluralName = "customresourcedefinitions")]
public sealed class V1CustomResourceDefinition : KubernetesObject
{
    public V1CustomResourceDefinitionStatus? Status { get; set; }
}
