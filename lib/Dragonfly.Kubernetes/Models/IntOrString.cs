using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dragonfly.Kubernetes.Models;

/// <summary>A value that is either an integer or a string (a port name, a percentage), as in the Kubernetes API.</summary>
[JsonConverter(typeof(IntOrStringConverter))]
public sealed record IntOrString
{
    public int? IntValue { get; }
    public string? StringValue { get; }

    private IntOrString(int? intValue, string? stringValue) => (IntValue, StringValue) = (intValue, stringValue);

    public static implicit operator IntOrString(int value) => new(value, null);
    public static implicit operator IntOrString(string value) => new(null, value);

    public override string ToString() => IntValue?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? StringValue ?? string.Empty;

    private sealed class IntOrStringConverter : JsonConverter<IntOrString>
    {
        public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : reader.GetString() ?? string.Empty;

        public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
        {
            if (value.IntValue is { } number)
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(value.StringValue);
            }
        }
    }
}
