namespace Dragonfly.Operator.Runtime.Entities;

[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RangeMaximumAttribute : Attribute
{
    public double Maximum { get; set; }
    public bool ExclusiveMaximum { get; set; }
}
