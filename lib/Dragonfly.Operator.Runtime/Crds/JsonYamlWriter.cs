using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// Writes a JSON document as block-style YAML that reads back as the same JSON: two-space indents, indented
/// sequences, no line folding, strings quoted whenever a plain scalar would read as another type, and multi-line
/// strings as literal blocks. Key order is the JSON's.
/// </summary>
internal static class JsonYamlWriter
{
    public static string Write(JsonNode node)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var settings = new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false,
            maxSimpleKeyLength: 1024, indentSequences: true, newLine: "\n");
        var emitter = new Emitter(text, settings);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, node);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject json:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, json.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (name, value) in json)
                {
                    EmitString(emitter, name);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            default:
                // Numbers, true, false and null: their JSON text is also their plain YAML form.
                EmitPlain(emitter, node?.ToJsonString() ?? "null");
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string value)
    {
        var style = YamlPlainScalar.NeedsQuotes(value) ? ScalarStyle.DoubleQuoted
            : value.Contains('\n') ? ScalarStyle.Literal
            : ScalarStyle.Any;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, value, style, isPlainImplicit: true, isQuotedImplicit: true));
    }

    private static void EmitPlain(IEmitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
}
