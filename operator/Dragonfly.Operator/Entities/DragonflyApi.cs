namespace Dragonfly.Operator.Entities;

/// <summary>The API group and version of our custom resources.</summary>
public static class DragonflyApi
{
    public const string Group = "dragonfly.io";
    public const string Version = "v1alpha1";
    /// <summary>A size or rate: <c>0</c>, <c>512K</c>, <c>500M</c>, <c>10Gi</c> (K/M/G/T and Ki/Mi/Gi/Ti are all binary multiples here).</summary>
    public const string QuantityPattern = @"^[0-9]+(\.[0-9]+)?([KMGT]i?)?$";
}
