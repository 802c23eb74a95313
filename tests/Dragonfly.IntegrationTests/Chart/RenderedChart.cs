using System.Globalization;
using System.Text.Json.Nodes;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Kubernetes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dragonfly.IntegrationTests.Chart;

/// <summary>The objects <c>helm template</c> renders from charts/dragonfly with given values, as JSON for assertions.</summary>
public sealed class RenderedChart
{
    public static readonly string ChartDir = Path.Combine(ComponentBinaries.RepoRoot, "charts", "dragonfly");

    private RenderedChart(string yaml, IReadOnlyList<JsonObject> objects) => (Yaml, Objects) = (yaml, objects);

    /// <summary>The rendered manifest text.</summary>
    public string Yaml { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    public static async Task<RenderedChart> RenderAsync(string workDir, string valuesYaml, CancellationToken cancellationToken, params string[] extraArgs)
    {
        var values = Path.Combine(workDir, $"values-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(values, valuesYaml, cancellationToken);
        var result = await KubeTools.HelmAsync(workDir, ["template", "test", ChartDir, "--namespace", "dragonfly-system", "-f", values, .. extraArgs], cancellationToken);
        result.ThrowIfFailed("helm template");
        return new RenderedChart(result.StdOut, Parse(result.StdOut));
    }

    public JsonObject Get(string kind, string name) =>
        Objects.SingleOrDefault(o => (string?)o["kind"] == kind && (string?)o["metadata"]?["name"] == name)
        ?? throw new AssertionException($"no {kind} {name} rendered; rendered: {string.Join(", ", Objects.Select(o => $"{o["kind"]} {o["metadata"]?["name"]}"))}");

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    private static List<JsonObject> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Where(d => d.RootNode is YamlMappingNode).Select(d => (JsonObject)ToJson(d.RootNode)!).ToList();
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        if (text is "null" or "~" or "")
        {
            return null;
        }
        if (text is "true" or "false")
        {
            return JsonValue.Create(text == "true");
        }
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(text);
    }
}
