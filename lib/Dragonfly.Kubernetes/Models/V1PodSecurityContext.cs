namespace Dragonfly.Kubernetes.Models;

public sealed class V1PodSecurityContext
{
    public bool? RunAsNonRoot { get; set; }
    public long? RunAsUser { get; set; }
    public long? RunAsGroup { get; set; }
    public long? FsGroup { get; set; }
    public V1SeccompProfile? SeccompProfile { get; set; }
}
