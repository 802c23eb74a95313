namespace Dragonfly.Kubernetes.Models;

public sealed class V1EnvVarSource
{
    public V1ObjectFieldSelector? FieldRef { get; set; }
}
