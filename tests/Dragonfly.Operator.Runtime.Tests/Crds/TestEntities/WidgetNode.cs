namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

/// <summary>A type that contains itself, to show the generator stops at the first repetition.</summary>
public sealed class WidgetNode
{
    public string? Name { get; set; }
    public WidgetNode? Parent { get; set; }
    public List<WidgetNode>? Children { get; set; }
}
