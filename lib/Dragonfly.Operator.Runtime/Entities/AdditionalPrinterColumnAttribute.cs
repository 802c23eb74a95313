namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>
/// A column of <c>kubectl get</c> for this property. The JSON path is the property's own path in the object;
/// <see cref="Name"/> defaults to the property name.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class AdditionalPrinterColumnAttribute : Attribute
{
    public string? Name { get; set; }
    /// <summary>0 shows in every output, higher only with <c>-o wide</c>.</summary>
    public int Priority { get; set; }
    public string? Description { get; set; }
}
