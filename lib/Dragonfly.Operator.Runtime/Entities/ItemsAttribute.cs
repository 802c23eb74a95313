namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>Bounds a list's length; -1 leaves a bound unset.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ItemsAttribute : Attribute
{
    public int MinItems { get; set; } = -1;
    public int MaxItems { get; set; } = -1;
}
