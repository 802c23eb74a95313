using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<PreheatPhase>))]
public enum PreheatPhase
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
