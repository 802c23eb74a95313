using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<LogLevel>))]
public enum LogLevel
{
    Verbose,
    Debug,
    Information,
    Warning,
    Error,
}
