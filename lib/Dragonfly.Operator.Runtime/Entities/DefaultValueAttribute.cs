namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>The value the API server fills in when the property is absent (a structural-schema default).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class DefaultValueAttribute(object value) : Attribute
{
    public object Value { get; } = value;
}
