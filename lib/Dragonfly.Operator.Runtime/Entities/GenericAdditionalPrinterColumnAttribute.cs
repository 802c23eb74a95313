namespace Dragonfly.Operator.Runtime.Entities;

/// <summary>A <c>kubectl get</c> column by explicit JSON path, e.g. <c>.metadata.creationTimestamp</c> with type <c>date</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GenericAdditionalPrinterColumnAttribute(string jsonPath, string name, string type) : Attribute
{
    public string JsonPath { get; } = jsonPath;
    public string Name { get; } = name;
    public string Type { get; } = type;
    public int Priority { get; set; }
    public string? Description { get; set; }
}
