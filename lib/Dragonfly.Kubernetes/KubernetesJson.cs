using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes;

/// <summary>The JSON conventions of the Kubernetes API: camelCase names, absent rather than null, RFC 3339 seconds.</summary>
public static class KubernetesJson
{
    public static JsonSerializerOptions Options { get; } = Create(JsonIgnoreCondition.WhenWritingNull);

    /// <summary>For JSON merge patches, where an explicit null deletes a field: nulls are written.</summary>
    public static JsonSerializerOptions MergePatchOptions { get; } = Create(JsonIgnoreCondition.Never);

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>A deep copy through the wire form, so a copy serializes exactly as the original.</summary>
    public static T Clone<T>(T value) => Deserialize<T>(Serialize(value));

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"the API server sent null for a {typeof(T).Name}");

    private static JsonSerializerOptions Create(JsonIgnoreCondition ignore)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = ignore,
        };
        options.Converters.Add(new Rfc3339Converter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>metav1.Time: whole seconds in UTC, so a value read back compares equal to the value written.</summary>
    private sealed class Rfc3339Converter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("a timestamp was null"), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }
}
