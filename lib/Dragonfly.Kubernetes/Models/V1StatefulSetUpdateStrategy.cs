namespace Dragonfly.Kubernetes.Models;

public sealed class V1StatefulSetUpdateStrategy
{
    /// <summary>RollingUpdate or OnDelete.</summary>
    public string? Type { get; set; }
}
