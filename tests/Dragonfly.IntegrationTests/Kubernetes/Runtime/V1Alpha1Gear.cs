using Dragonfly.Kubernetes.Models;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>The custom resource the controller runner tests reconcile: a spec and a status subresource.</summary>
[KubernetesEntity(Group = "runtime.test.dragonfly.io", ApiVersion = "v1alpha1", Kind = "Gear", PluralName = "gears")]
public sealed class V1Alpha1Gear : KubernetesObject<GearSpec, GearStatus>;
