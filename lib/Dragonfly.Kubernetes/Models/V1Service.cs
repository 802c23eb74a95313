namespace Dragonfly.Kubernetes.Models;

[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "Service", PluralName = "services")]
public sealed class V1Service : KubernetesObject<V1ServiceSpec, V1ServiceStatus>;
