using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

/// <summary>Names that a YAML 1.1 reader would take for booleans and a number, to check they are quoted.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WidgetPhase>))]
public enum WidgetPhase
{
    Pending,
    [JsonStringEnumMemberName("On")]
    Running,
    [JsonStringEnumMemberName("no")]
    Failed,
    [JsonStringEnumMemberName("1.0")]
    Done,
}
