using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// The strings an enum is written as, found by serializing each member with the same options and converter the
/// entity is written with, so <see cref="JsonStringEnumMemberNameAttribute"/> and naming policies are honoured.
/// </summary>
internal static class EnumSchemaValues
{
    public static List<string> Of(Type enumType, JsonConverter? propertyConverter, JsonSerializerOptions options, string path)
    {
        if (propertyConverter is not null)
        {
            options = new JsonSerializerOptions(options);
            options.Converters.Insert(0, propertyConverter);
        }
        var names = new List<string>();
        foreach (var value in Enum.GetValues(enumType))
        {
            var written = JsonSerializer.SerializeToNode(value, enumType, options);
            if (written is not JsonValue json || !json.TryGetValue<string>(out var name))
            {
                throw new InvalidOperationException(
                    $"{path}: {enumType.Name} is written as a number; mark it [JsonConverter(typeof(JsonStringEnumConverter<{enumType.Name}>))] so it is written by name");
            }
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }
        return names;
    }
}
