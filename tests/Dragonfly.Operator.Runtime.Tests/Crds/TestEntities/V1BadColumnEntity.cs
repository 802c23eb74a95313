using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[KubernetesEntity(Group = "test.dragonfly.io", ApiVersion = "v1", Kind = "BadColumnEntity", PluralName = "badcolumnentities")]
[GenericAdditionalPrinterColumn(".metadata.creationTimestamp", "Age", "date-time")]
public sealed class V1BadColumnEntity : KubernetesObject;
