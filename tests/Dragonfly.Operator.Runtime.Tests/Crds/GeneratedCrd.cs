using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dragonfly.Operator.Runtime.Crds;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

/// <summary>Parts of the generated CRD of an entity type, for assertions.</summary>
public static class GeneratedCrd
{
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Version(Type entityType) => CrdGenerator.Generate(entityType)["spec"]!["versions"]![0]!.AsObject();

    public static JsonObject Schema(Type entityType) => Version(entityType)["schema"]!["openAPIV3Schema"]!.AsObject();

    public static JsonObject SpecProperty(Type entityType, string name) => Schema(entityType)["properties"]!["spec"]!["properties"]![name]!.AsObject();

    public static JsonObject StatusProperty(Type entityType, string name) => Schema(entityType)["properties"]!["status"]!["properties"]![name]!.AsObject();

    /// <summary>Compact JSON of a node (only quotes and control characters escaped), to compare whole schema nodes in one assertion.</summary>
    public static string Json(JsonNode? node) => node?.ToJsonString(Readable) ?? "null";
}
