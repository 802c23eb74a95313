namespace Dragonfly.Kubernetes.Models;

[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "PersistentVolumeClaim", PluralName = "persistentvolumeclaims")]
public sealed class V1PersistentVolumeClaim : KubernetesObject<V1PersistentVolumeClaimSpec, V1PersistentVolumeClaimStatus>;
