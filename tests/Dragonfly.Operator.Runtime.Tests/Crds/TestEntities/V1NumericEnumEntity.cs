using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[KubernetesEntity(Group = "test.dragonfly.io", ApiVersion = "v1", Kind = "NumericEnumEntity", PluralName = "numericenumentities")]
public sealed class V1NumericEnumEntity : KubernetesObject<NumericEnumSpec, object>;
