namespace Dragonfly.Kubernetes.Models;

[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "ConfigMap", PluralName = "configmaps")]
public sealed class V1ConfigMap : KubernetesObject
{
    public Dictionary<string, string>? Data { get; set; }
}
