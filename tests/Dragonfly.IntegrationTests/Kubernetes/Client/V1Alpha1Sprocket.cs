using Dragonfly.Kubernetes.Models;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>A custom resource of the client tests: a spec with schema constraints and a status subresource.</summary>
[KubernetesEntity(Group = "client.test.dragonfly.io", ApiVersion = "v1alpha1", Kind = "Sprocket", PluralName = "sprockets")]
public sealed class V1Alpha1Sprocket : KubernetesObject<SprocketSpec, SprocketStatus>;
