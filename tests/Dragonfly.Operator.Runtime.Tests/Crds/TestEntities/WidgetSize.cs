using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[JsonConverter(typeof(JsonStringEnumConverter<WidgetSize>))]
public enum WidgetSize
{
    Small,
    Medium,
    [JsonStringEnumMemberName("extra-large")]
    ExtraLarge,
}
