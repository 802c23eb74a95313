using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Informers;

/// <summary>Namespace and name: how the cache and the work queue know an object.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject entity) =>
        new(entity.Metadata.Namespace, entity.Metadata.Name ?? throw new ArgumentException("an object without metadata.name"));

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
