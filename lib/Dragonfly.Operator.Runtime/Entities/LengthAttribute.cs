namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>Bounds a string's length; -1 leaves a bound unset.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class LengthAttribute : Attribute
{
    public int MinLength { get; set; } = -1;
    public int MaxLength { get; set; } = -1;
}
