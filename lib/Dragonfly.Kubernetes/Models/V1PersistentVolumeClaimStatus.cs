namespace Dragonfly.Kubernetes.Models;

public sealed class V1PersistentVolumeClaimStatus
{
    /// <summary>Pending, Bound or Lost.</summary>
    public string? Phase { get; set; }
}
