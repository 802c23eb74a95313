using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<PreheatType>))]
public enum PreheatType
{
    /// <summary>Container images: every layer and config blob of the chosen platforms.</summary>
    Image,
    /// <summary>Files by URL.</summary>
    File,
}
