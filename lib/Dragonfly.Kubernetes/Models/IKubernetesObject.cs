namespace Dragonfly.Kubernetes.Models;

/// <summary>Any object the API server stores: apiVersion, kind and metadata.</summary>
public interface IKubernetesObject
{
    string? ApiVersion { get; set; }
    string? Kind { get; set; }
    V1ObjectMeta Metadata { get; set; }
}
