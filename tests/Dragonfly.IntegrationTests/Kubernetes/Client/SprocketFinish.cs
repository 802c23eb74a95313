using System.Text.Json.Serialization;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

[JsonConverter(typeof(JsonStringEnumConverter<SprocketFinish>))]
public enum SprocketFinish
{
    Matte,
    Gloss,
}
