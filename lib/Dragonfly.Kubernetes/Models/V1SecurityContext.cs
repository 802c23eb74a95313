namespace Dragonfly.Kubernetes.Models;

public sealed class V1SecurityContext
{
    public bool? RunAsNonRoot { get; set; }
    public long? RunAsUser { get; set; }
    public bool? ReadOnlyRootFilesystem { get; set; }
    public bool? AllowPrivilegeEscalation { get; set; }
    public bool? Privileged { get; set; }
    public V1Capabilities? Capabilities { get; set; }
}
