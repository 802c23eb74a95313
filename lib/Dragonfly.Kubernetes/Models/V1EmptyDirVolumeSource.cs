namespace Dragonfly.Kubernetes.Models;

public sealed class V1EmptyDirVolumeSource
{
    public string? SizeLimit { get; set; }
}
