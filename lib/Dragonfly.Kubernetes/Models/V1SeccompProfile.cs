namespace Dragonfly.Kubernetes.Models;

public sealed class V1SeccompProfile
{
    /// <summary>RuntimeDefault, Localhost or Unconfined.</summary>
    public string Type { get; set; } = "RuntimeDefault";
}
