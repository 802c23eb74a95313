using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

/// <summary>
/// Reads YAML back into JSON the way a YAML 1.1 reader (Helm, kubectl) resolves plain scalars: booleans
/// including yes/no/on/off, null, integers and floats; quoted and block scalars stay strings.
/// </summary>
public static class YamlToJson
{
    private static readonly HashSet<string> True = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> False = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];
    private static readonly HashSet<string> Null = ["", "~", "null", "Null", "NULL"];

    public static JsonNode? Read(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        Assert.That(stream.Documents, Has.Count.EqualTo(1));
        return Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair =>
            KeyValuePair.Create(KeyOf(pair.Key), Convert(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    /// <summary>A key must read back as a string, not as a boolean or number that a reader would turn into text.</summary>
    private static string KeyOf(YamlNode key)
    {
        var value = ConvertScalar((YamlScalarNode)key);
        Assert.That(value?.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String), $"key {key} does not read as a string");
        return value!.GetValue<string>();
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }
        if (True.Contains(text))
        {
            return JsonValue.Create(true);
        }
        if (False.Contains(text))
        {
            return JsonValue.Create(false);
        }
        if (Null.Contains(text))
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(text);
    }
}
