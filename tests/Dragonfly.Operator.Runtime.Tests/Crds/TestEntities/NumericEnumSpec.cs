namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

public sealed class NumericEnumSpec
{
    public NumericEnum Value { get; set; }
}
