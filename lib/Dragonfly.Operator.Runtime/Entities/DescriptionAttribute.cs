namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>The schema description of a type or property, shown by <c>kubectl explain</c>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, Inherited = false)]
public sealed class DescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}
