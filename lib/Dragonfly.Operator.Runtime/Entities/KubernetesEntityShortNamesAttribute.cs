namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>Short names for kubectl, e.g. <c>kubectl get sn</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubernetesEntityShortNamesAttribute(params string[] shortNames) : Attribute
{
    public IReadOnlyList<string> ShortNames { get; } = shortNames;
}
