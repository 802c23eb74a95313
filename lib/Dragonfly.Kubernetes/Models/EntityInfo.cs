using System.Collections.Concurrent;
using System.Reflection;

namespace Dragonfly.Kubernetes.Models;

/// <summary>Where an entity type lives in the API: group, version, kind and plural resource.</summary>
public sealed record EntityInfo(string Group, string Version, string Kind, string Plural)
{
    private static readonly ConcurrentDictionary<Type, EntityInfo> Cache = new();

    /// <summary><c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The URL prefix of the group version: <c>/api/v1</c> or <c>/apis/group/version</c>.</summary>
    public string ApiPrefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    public static EntityInfo Of<T>() => Of(typeof(T));

    public static EntityInfo Of(Type type) => Cache.GetOrAdd(type, static t =>
    {
        var attribute = t.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{t.Name} has no [KubernetesEntity] attribute naming its group, version, kind and plural");
        return new EntityInfo(attribute.Group, attribute.ApiVersion, attribute.Kind, attribute.PluralName);
    });
}
