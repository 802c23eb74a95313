using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// The properties System.Text.Json writes for a type under given options (so names are exactly as serialized:
/// naming policy, <see cref="JsonPropertyNameAttribute"/>), without <see cref="JsonIgnoreAttribute"/> ones,
/// extension data or write-only members, in declaration order: base class members first, then by metadata order.
/// </summary>
internal static class SerializedProperties
{
    public static IReadOnlyList<JsonPropertyInfo> Of(Type type, JsonSerializerOptions options) =>
        options.GetTypeInfo(type).Properties
            .Where(IsWritten)
            .OrderBy(property => InheritanceDepth(MemberOf(property).DeclaringType))
            .ThenBy(property => MemberOf(property).MetadataToken)
            .ToList();

    /// <summary>The C# property or field behind a JSON property; carries the schema attributes.</summary>
    public static MemberInfo MemberOf(JsonPropertyInfo property) =>
        property.AttributeProvider as MemberInfo
            ?? throw new InvalidOperationException($"the JSON property {property.Name} has no C# member behind it");

    private static bool IsWritten(JsonPropertyInfo property)
    {
        if (property.IsExtensionData || property.Get is null)
        {
            return false;
        }
        var ignore = MemberOf(property).GetCustomAttribute<JsonIgnoreAttribute>();
        return ignore is null || ignore.Condition != JsonIgnoreCondition.Always;
    }

    private static int InheritanceDepth(Type? type)
    {
        var depth = 0;
        for (var current = type; current is not null; current = current.BaseType)
        {
            depth++;
        }
        return depth;
    }
}
