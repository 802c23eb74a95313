namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

/// <summary>An enum without a string converter: written as a number, so the generator refuses it.</summary>
public enum NumericEnum
{
    Zero,
    One,
}
