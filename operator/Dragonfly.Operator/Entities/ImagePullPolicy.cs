using System.Text.Json.Serialization;

namespace Dragonfly.Operator.Entities;

[JsonConverter(typeof(JsonStringEnumConverter<ImagePullPolicy>))]
public enum ImagePullPolicy
{
    Always,
    IfNotPresent,
    Never,
}
