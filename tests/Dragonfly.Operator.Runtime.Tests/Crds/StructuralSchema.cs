using System.Text.Json.Nodes;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

/// <summary>
/// The structural-schema rules of apiextensions.k8s.io/v1 that the generator can break, as a list of violations:
/// every node has a type unless it is int-or-string or keeps unknown fields; int-or-string has no type;
/// properties and additionalProperties are not both set; items only on arrays; metadata is a bare object.
/// </summary>
public static class StructuralSchema
{
    public static List<string> Violations(JsonObject openApiV3Schema)
    {
        var violations = new List<string>();
        Check(openApiV3Schema, "openAPIV3Schema", violations);
        if (openApiV3Schema["properties"]?["metadata"] is JsonObject metadata && metadata.Count != 1)
        {
            violations.Add("metadata may only have type: object");
        }
        return violations;
    }

    private static void Check(JsonObject node, string path, List<string> violations)
    {
        var type = node["type"]?.GetValue<string>();
        var intOrString = node["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var preserve = node["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (type is null && !intOrString && !preserve)
        {
            violations.Add($"{path} has no type");
        }
        if (intOrString && type is not null)
        {
            violations.Add($"{path} is int-or-string and has a type");
        }
        if (node.ContainsKey("properties") && node.ContainsKey("additionalProperties"))
        {
            violations.Add($"{path} has both properties and additionalProperties");
        }
        if (node["items"] is JsonObject items)
        {
            if (type != "array")
            {
                violations.Add($"{path} has items but is a {type}");
            }
            Check(items, $"{path}.items", violations);
        }
        else if (type == "array")
        {
            violations.Add($"{path} is an array without items");
        }
        if (node["additionalProperties"] is JsonObject additional)
        {
            Check(additional, $"{path}.additionalProperties", violations);
        }
        if (node["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                Check(child!.AsObject(), $"{path}.properties.{name}", violations);
            }
        }
    }
}
