namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>Whether the custom resource is namespaced (the default) or cluster-scoped.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EntityScopeAttribute(EntityScope scope) : Attribute
{
    public EntityScope Scope { get; } = scope;
}
