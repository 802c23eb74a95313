namespace Dragonfly.Kubernetes.Models;

/// <summary>A status condition in the shape of metav1.Condition.</summary>
public sealed class V1Condition
{
    public string Type { get; set; } = string.Empty;
    /// <summary>True, False or Unknown.</summary>
    public string Status { get; set; } = "Unknown";
    public long? ObservedGeneration { get; set; }
    public DateTimeOffset LastTransitionTime { get; set; }
    public string Reason { get; set; } = string.Empty;
    public string Message { get; set; } = string.Empty;
}
