namespace Dragonfly.Kubernetes.Models;

public sealed class V1PersistentVolumeClaimSpec
{
    public List<string>? AccessModes { get; set; }
    public string? StorageClassName { get; set; }
    public V1ResourceRequirements? Resources { get; set; }
}
