using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;
using DescriptionAttribute = Dragonfly.Operator.Runtime.Entities.DescriptionAttribute;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

/// <summary>A cluster-scoped entity without spec or status, like a ConfigMap.</summary>
[KubernetesEntity(Group = "test.dragonfly.io", ApiVersion = "v1", Kind = "Gadget", PluralName = "gadgets")]
[EntityScope(EntityScope.Cluster)]
public sealed class V1Gadget : KubernetesObject
{
    [Description("Settings, one line each.\nSecond line of the description.")]
    public Dictionary<string, string>? Data { get; set; }
}
