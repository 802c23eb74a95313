using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes.Models;

/// <summary>
/// Base of every typed object. Fields this client does not model are kept in <see cref="ExtensionData"/>, so a
/// read-modify-replace round trip never drops what another writer set.
/// </summary>
public abstract class KubernetesObject : IKubernetesObject
{
    public string? ApiVersion { get; set; }
    public string? Kind { get; set; }
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Sets apiVersion and kind from the type's <see cref="KubernetesEntityAttribute"/>.</summary>
    public T Initialize<T>() where T : KubernetesObject
    {
        var info = EntityInfo.Of(GetType());
        ApiVersion = info.GroupVersion;
        Kind = info.Kind;
        return (T)this;
    }
}

/// <summary>An object with a spec and a status, as custom resources and most built-in kinds are.</summary>
public abstract class KubernetesObject<TSpec, TStatus> : KubernetesObject where TSpec : new()
{
    public TSpec Spec { get; set; } = new();
    public TStatus? Status { get; set; }
}
