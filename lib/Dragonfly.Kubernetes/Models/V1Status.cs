namespace Dragonfly.Kubernetes.Models;

public sealed class V1Status
{
    public string? Status { get; set; }
    public string? Message { get; set; }
    /// <summary>Machine-readable reason: NotFound, AlreadyExists, Conflict, Invalid, Expired, Gone, Forbidden...</summary>
    public string? Reason { get; set; }
    public int? Code { get; set; }
    public V1StatusDetails? Details { get; set; }
}
