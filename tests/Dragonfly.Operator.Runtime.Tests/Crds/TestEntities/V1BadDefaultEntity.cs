using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[KubernetesEntity(Group = "test.dragonfly.io", ApiVersion = "v1", Kind = "BadDefaultEntity", PluralName = "baddefaultentities")]
public sealed class V1BadDefaultEntity : KubernetesObject<BadDefaultSpec, object>;
