namespace Dragonfly.Operator.Runtime.Entities;

[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RangeMinimumAttribute : Attribute
{
    public double Minimum { get; set; }
    public bool ExclusiveMinimum { get; set; }
}
