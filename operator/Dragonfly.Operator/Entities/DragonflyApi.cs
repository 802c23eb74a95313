namespace Dragonfly.Operator.Entities;

/// <summary>The API group and version of our custom resources.</summary>
public static class DragonflyApi
{
    public const string Group = "dragonfly.io";
    public const string Version = "v1alpha1";
    /// <summary>Kubernetes resource quantity (<c>10Gi</c>, <c>500M</c>, <c>0</c>).</summary>
    public const string QuantityPattern = @"^[0-9]+(\.[0-9]+)?([KMGTPE]i?|[kmun])?$";
}
