using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>Applies a property's schema attributes (<c>Dragonfly.Operator.Runtime.Entities</c>) to its schema node.</summary>
internal static class SchemaAnnotations
{
    public static void Apply(JsonSchemaProps schema, MemberInfo member, JsonSerializerOptions options, string path)
    {
        if (member.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema.Description = description.Description;
        }
        if (member.GetCustomAttribute<RangeMinimumAttribute>() is { } minimum)
        {
            schema.Minimum = minimum.Minimum;
            schema.ExclusiveMinimum = minimum.ExclusiveMinimum;
        }
        if (member.GetCustomAttribute<RangeMaximumAttribute>() is { } maximum)
        {
            schema.Maximum = maximum.Maximum;
            schema.ExclusiveMaximum = maximum.ExclusiveMaximum;
        }
        if (member.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema.Pattern = pattern.RegexPattern;
        }
        if (member.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            schema.MinLength = BoundOrNull(length.MinLength);
            schema.MaxLength = BoundOrNull(length.MaxLength);
        }
        if (member.GetCustomAttribute<ItemsAttribute>() is { } items)
        {
            schema.MinItems = BoundOrNull(items.MinItems);
            schema.MaxItems = BoundOrNull(items.MaxItems);
        }
        if (member.GetCustomAttribute<DefaultValueAttribute>() is { } defaultValue)
        {
            schema.Default = DefaultOf(defaultValue.Value, schema, options, path);
        }
    }

    private static int? BoundOrNull(int bound) => bound < 0 ? null : bound;

    /// <summary>The default as the entity's JSON would hold it; it must fit the node's type or the API server rejects the CRD.</summary>
    private static JsonNode DefaultOf(object value, JsonSchemaProps schema, JsonSerializerOptions options, string path)
    {
        var written = JsonSerializer.SerializeToNode(value, value.GetType(), options)
            ?? throw new InvalidOperationException($"{path}: a [DefaultValue] cannot be null");
        var kind = written.GetValueKind();
        var fits = schema.IntOrString
            ? kind is JsonValueKind.Number or JsonValueKind.String
            : schema.Type switch
            {
                "string" => kind == JsonValueKind.String,
                "integer" => kind == JsonValueKind.Number && long.TryParse(written.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
                "number" => kind == JsonValueKind.Number,
                "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
                "array" => kind == JsonValueKind.Array,
                "object" => kind == JsonValueKind.Object,
                _ => false,
            };
        if (!fits || (schema.Enum is { } names && !names.Contains(written.GetValue<string>())))
        {
            throw new InvalidOperationException($"{path}: the [DefaultValue] {written.ToJsonString()} is not a valid {schema.Type ?? "int-or-string"} here");
        }
        return written;
    }
}
