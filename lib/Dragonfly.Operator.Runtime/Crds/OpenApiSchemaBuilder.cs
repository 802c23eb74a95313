using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// Builds the structural OpenAPI v3 schema of an entity from its C# type, following what System.Text.Json writes
/// with the given options. A type that contains itself is described down to the first repetition, which becomes
/// an object that keeps unknown fields (a structural schema has no references).
/// </summary>
internal sealed class OpenApiSchemaBuilder(JsonSerializerOptions options)
{
    private static readonly Dictionary<Type, (string Type, string? Format)> Scalars = new()
    {
        [typeof(string)] = ("string", null),
        [typeof(char)] = ("string", null),
        [typeof(Guid)] = ("string", null),
        [typeof(Uri)] = ("string", null),
        [typeof(TimeSpan)] = ("string", null),
        [typeof(TimeOnly)] = ("string", null),
        [typeof(DateOnly)] = ("string", "date"),
        [typeof(DateTime)] = ("string", "date-time"),
        [typeof(DateTimeOffset)] = ("string", "date-time"),
        [typeof(byte[])] = ("string", "byte"),
        [typeof(bool)] = ("boolean", null),
        [typeof(byte)] = ("integer", "int32"),
        [typeof(sbyte)] = ("integer", "int32"),
        [typeof(short)] = ("integer", "int32"),
        [typeof(ushort)] = ("integer", "int32"),
        [typeof(int)] = ("integer", "int32"),
        [typeof(uint)] = ("integer", "int64"),
        [typeof(long)] = ("integer", "int64"),
        [typeof(ulong)] = ("integer", null),
        [typeof(float)] = ("number", null),
        [typeof(double)] = ("number", null),
        [typeof(decimal)] = ("number", null),
    };

    private static readonly HashSet<Type> UnknownContent =
        [typeof(object), typeof(JsonElement), typeof(JsonDocument), typeof(JsonNode), typeof(JsonObject)];

    private readonly HashSet<Type> _visiting = [];

    /// <summary>The root schema: the entity's own properties, with metadata left to the API server.</summary>
    public JsonSchemaProps ForEntity(Type entityType)
    {
        var schema = ForObject(entityType, entityType.Name);
        schema.AddProperty("metadata", JsonSchemaProps.Of("object"), required: false);
        return schema;
    }

    private JsonSchemaProps ForObject(Type type, string path)
    {
        if (!_visiting.Add(type))
        {
            return JsonSchemaProps.UnknownObject();
        }
        try
        {
            var schema = JsonSchemaProps.EmptyObject();
            schema.Description = type.GetCustomAttribute<DescriptionAttribute>()?.Description;
            foreach (var property in SerializedProperties.Of(type, options))
            {
                var member = SerializedProperties.MemberOf(property);
                var required = property.IsRequired || member.IsDefined(typeof(RequiredAttribute));
                schema.AddProperty(property.Name, ForProperty(property, member, $"{path}.{property.Name}"), required);
            }
            return schema;
        }
        finally
        {
            _visiting.Remove(type);
        }
    }

    private JsonSchemaProps ForProperty(JsonPropertyInfo property, MemberInfo member, string path)
    {
        var schema = ForType(property.PropertyType, property.CustomConverter, path);
        if (member.IsDefined(typeof(PreserveUnknownFieldsAttribute)))
        {
            schema = schema is { Type: "object", Properties: not null } ? schema : JsonSchemaProps.UnknownObject();
            schema.PreserveUnknownFields = true;
        }
        else if (schema is null)
        {
            throw new NotSupportedException(
                $"{path}: a {property.PropertyType.Name} has no schema (it has its own JSON converter); use a supported type or mark the property [PreserveUnknownFields]");
        }
        SchemaAnnotations.Apply(schema, member, options, path);
        return schema;
    }

    /// <summary>A fresh schema node for the type, or null when the type's JSON shape is unknown (a custom converter).</summary>
    private JsonSchemaProps? ForType(Type type, JsonConverter? propertyConverter, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            var schema = JsonSchemaProps.Of("string");
            schema.Enum = EnumSchemaValues.Of(type, propertyConverter, options, path);
            return schema;
        }
        if (Scalars.TryGetValue(type, out var scalar))
        {
            return JsonSchemaProps.Of(scalar.Type, scalar.Format);
        }
        if (type == typeof(IntOrString))
        {
            return new JsonSchemaProps { IntOrString = true };
        }
        if (type == typeof(V1Condition))
        {
            return ConditionSchema.Create();
        }
        if (UnknownContent.Contains(type))
        {
            return JsonSchemaProps.UnknownObject();
        }
        var info = options.GetTypeInfo(type);
        return info.Kind switch
        {
            JsonTypeInfoKind.Enumerable => ForArray(info, path),
            JsonTypeInfoKind.Dictionary => ForMap(info, path),
            JsonTypeInfoKind.Object => ForObject(type, path),
            _ => null,
        };
    }

    private JsonSchemaProps ForArray(JsonTypeInfo info, string path)
    {
        var schema = JsonSchemaProps.Of("array");
        schema.Items = ForType(info.ElementType!, null, $"{path}[]") ?? throw Unsupported(info.ElementType!, $"{path}[]");
        return schema;
    }

    private JsonSchemaProps ForMap(JsonTypeInfo info, string path)
    {
        var keyType = Nullable.GetUnderlyingType(info.KeyType!) ?? info.KeyType!;
        if (keyType != typeof(string) && !keyType.IsEnum)
        {
            throw new NotSupportedException($"{path}: map keys must be strings in a CRD, not {keyType.Name}");
        }
        var schema = JsonSchemaProps.Of("object");
        schema.AdditionalProperties = ForType(info.ElementType!, null, $"{path}[*]") ?? throw Unsupported(info.ElementType!, $"{path}[*]");
        return schema;
    }

    private static NotSupportedException Unsupported(Type type, string path) =>
        new($"{path}: a {type.Name} has no schema (it has its own JSON converter); use a supported type");
}
