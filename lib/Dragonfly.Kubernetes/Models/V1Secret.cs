namespace Dragonfly.Kubernetes.Models;

[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "Secret", PluralName = "secrets")]
public sealed class V1Secret : KubernetesObject
{
    /// <summary>e.g. <c>kubernetes.io/dockerconfigjson</c>, <c>Opaque</c>.</summary>
    public string? Type { get; set; }
    /// <summary>Values, base64 on the wire and decoded bytes here.</summary>
    public Dictionary<string, byte[]>? Data { get; set; }
    /// <summary>Write-only plain-text values; the server merges them into <see cref="Data"/>.</summary>
    public Dictionary<string, string>? StringData { get; set; }
}
