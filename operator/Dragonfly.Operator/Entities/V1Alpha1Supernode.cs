using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

/// <summary>A supernode (scheduler and CDN seed) as a StatefulSet with its Services, ConfigMap and PodDisruptionBudget.</summary>
[KubernetesEntity(Group = DragonflyApi.Group, ApiVersion = DragonflyApi.Version, Kind = "Supernode", PluralName = "supernodes")]
[KubernetesEntityShortNames("sn")]
[Description("A Dragonfly supernode: the scheduler and CDN seed that fetches each piece of content from its source once.")]
[GenericAdditionalPrinterColumn(".metadata.creationTimestamp", "Age", "date")]
public sealed class V1Alpha1Supernode : KubernetesObject<V1Alpha1SupernodeSpec, V1Alpha1SupernodeStatus>;
