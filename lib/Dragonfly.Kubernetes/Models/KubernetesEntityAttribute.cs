namespace Dragonfly.Kubernetes.Models;

/// <summary>Names the API group, version, kind and plural resource of an entity type, as KubernetesClient's attribute of the same name.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KubernetesEntityAttribute : Attribute
{
    /// <summary>API group; empty for the core group.</summary>
    public string Group { get; set; } = string.Empty;
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = string.Empty;
    /// <summary>The resource name in URLs, e.g. <c>statefulsets</c>.</summary>
    public string PluralName { get; set; } = string.Empty;
}
