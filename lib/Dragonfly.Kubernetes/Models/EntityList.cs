namespace Dragonfly.Kubernetes.Models;

/// <summary>A list response: items and the resourceVersion to watch from.</summary>
public sealed class EntityList<T>
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public V1ListMeta Metadata { get; set; } = new();
    public List<T> Items { get; set; } = [];
}
