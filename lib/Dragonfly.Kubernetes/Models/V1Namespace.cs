namespace Dragonfly.Kubernetes.Models;

[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "Namespace", PluralName = "namespaces")]
public sealed class V1Namespace : KubernetesObject;
