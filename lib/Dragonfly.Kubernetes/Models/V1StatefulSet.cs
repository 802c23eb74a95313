namespace Dragonfly.Kubernetes.Models;

[KubernetesEntity(Group = "apps", ApiVersion = "v1", Kind = "StatefulSet", PluralName = "statefulsets")]
public sealed class V1StatefulSet : KubernetesObject<V1StatefulSetSpec, V1StatefulSetStatus>;
