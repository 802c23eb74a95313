using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

/// <summary>Warms a supernode's cache with images' layers or files, so the first pull on any node does not reach the source.</summary>
[KubernetesEntity(Group = DragonflyApi.Group, ApiVersion = DragonflyApi.Version, Kind = "PreheatTask", PluralName = "preheattasks")]
[KubernetesEntityShortNames("preheat")]
[Description("Warms a supernode's cache with the layers of images, or with files, before any node asks for them.")]
[GenericAdditionalPrinterColumn(".metadata.creationTimestamp", "Age", "date")]
public sealed class V1Alpha1PreheatTask : KubernetesObject<V1Alpha1PreheatTaskSpec, V1Alpha1PreheatTaskStatus>;
