using System.Text.Json.Nodes;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// One node of an OpenAPI v3 schema as apiextensions.k8s.io/v1 accepts it (the subset this generator writes).
/// <see cref="ToJson"/> writes the fields in one fixed order and properties and required names sorted, so the
/// generated CRD text is the same on every run.
/// </summary>
internal sealed class JsonSchemaProps
{
    public string? Description { get; set; }
    public string? Type { get; set; }
    public string? Format { get; set; }
    public List<string>? Enum { get; set; }
    public JsonNode? Default { get; set; }
    public double? Minimum { get; set; }
    public bool ExclusiveMinimum { get; set; }
    public double? Maximum { get; set; }
    public bool ExclusiveMaximum { get; set; }
    public int? MinLength { get; set; }
    public int? MaxLength { get; set; }
    public string? Pattern { get; set; }
    public int? MinItems { get; set; }
    public int? MaxItems { get; set; }
    public JsonSchemaProps? Items { get; set; }
    public SortedDictionary<string, JsonSchemaProps>? Properties { get; set; }
    public JsonSchemaProps? AdditionalProperties { get; set; }
    public SortedSet<string>? Required { get; set; }
    /// <summary>x-kubernetes-int-or-string: an integer or a string; such a node has no <see cref="Type"/>.</summary>
    public bool IntOrString { get; set; }
    /// <summary>x-kubernetes-preserve-unknown-fields: fields the schema does not list are kept, not pruned.</summary>
    public bool PreserveUnknownFields { get; set; }

    public static JsonSchemaProps Of(string type, string? format = null) => new() { Type = type, Format = format };

    /// <summary>An object whose content the schema does not describe and the API server keeps as written.</summary>
    public static JsonSchemaProps UnknownObject() => new() { Type = "object", PreserveUnknownFields = true };

    public static JsonSchemaProps EmptyObject() => new() { Type = "object", Properties = new(StringComparer.Ordinal) };

    public void AddProperty(string name, JsonSchemaProps schema, bool required)
    {
        (Properties ??= new(StringComparer.Ordinal))[name] = schema;
        if (required)
        {
            (Required ??= new(StringComparer.Ordinal)).Add(name);
        }
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject();
        AddIfSet(json, "description", Description);
        AddIfSet(json, "type", Type);
        AddIfSet(json, "format", Format);
        if (Enum is not null)
        {
            json["enum"] = new JsonArray(Enum.Select(name => (JsonNode?)JsonValue.Create(name)).ToArray());
        }
        if (Default is not null)
        {
            json["default"] = Default.DeepClone();
        }
        AddNumberIfSet(json, "minimum", Minimum);
        AddFlagIfSet(json, "exclusiveMinimum", ExclusiveMinimum);
        AddNumberIfSet(json, "maximum", Maximum);
        AddFlagIfSet(json, "exclusiveMaximum", ExclusiveMaximum);
        AddNumberIfSet(json, "minLength", MinLength);
        AddNumberIfSet(json, "maxLength", MaxLength);
        AddIfSet(json, "pattern", Pattern);
        AddNumberIfSet(json, "minItems", MinItems);
        AddNumberIfSet(json, "maxItems", MaxItems);
        if (Items is not null)
        {
            json["items"] = Items.ToJson();
        }
        if (Properties is not null)
        {
            json["properties"] = new JsonObject(Properties.Select(pair => KeyValuePair.Create(pair.Key, (JsonNode?)pair.Value.ToJson())));
        }
        if (AdditionalProperties is not null)
        {
            json["additionalProperties"] = AdditionalProperties.ToJson();
        }
        if (Required is { Count: > 0 })
        {
            json["required"] = new JsonArray(Required.Select(name => (JsonNode?)JsonValue.Create(name)).ToArray());
        }
        AddFlagIfSet(json, "x-kubernetes-int-or-string", IntOrString);
        AddFlagIfSet(json, "x-kubernetes-preserve-unknown-fields", PreserveUnknownFields);
        return json;
    }

    private static void AddIfSet(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static void AddNumberIfSet(JsonObject json, string name, double? value)
    {
        if (value is { } number)
        {
            json[name] = number;
        }
    }

    private static void AddFlagIfSet(JsonObject json, string name, bool value)
    {
        if (value)
        {
            json[name] = true;
        }
    }
}
