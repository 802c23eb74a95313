namespace Dragonfly.Kubernetes.Models;

public sealed class V1ListMeta
{
    public string? ResourceVersion { get; set; }
    public string? Continue { get; set; }
    public long? RemainingItemCount { get; set; }
}
