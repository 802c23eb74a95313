using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<PreheatItemState>))]
public enum PreheatItemState
{
    Pending,
    Running,
    Succeeded,
    Failed,
}
