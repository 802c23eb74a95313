using System.Reflection;
using System.Text.Json.Nodes;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// The apiextensions.k8s.io/v1 CustomResourceDefinition of an entity type, generated from the type as KubeOps
/// does: names and version from <see cref="KubernetesEntityAttribute"/>, scope, short names and printer columns
/// from the entity attributes, and a structural schema of what <see cref="KubernetesJson.Options"/> writes for
/// the type. The output is the same text on every run, so a test can compare it with the committed file.
/// </summary>
public static class CrdGenerator
{
    /// <summary>The CRD as YAML, opening with a comment that says it is generated.</summary>
    public static string GenerateYaml(Type entityType) =>
        $"{CrdWriter.GeneratedHeader} from {entityType.Name}; do not edit.\n{JsonYamlWriter.Write(Generate(entityType))}";

    public static JsonObject Generate(Type entityType)
    {
        var options = KubernetesJson.Options;
        if (!typeof(KubernetesObject).IsAssignableFrom(entityType) || entityType.IsAbstract)
        {
            throw new ArgumentException($"{entityType.Name} is not a concrete KubernetesObject", nameof(entityType));
        }
        var info = EntityInfo.Of(entityType);
        Validate(entityType, info);
        var schema = new OpenApiSchemaBuilder(options).ForEntity(entityType);
        var version = new JsonObject
        {
            ["name"] = info.Version,
            ["served"] = true,
            ["storage"] = true,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema.ToJson() },
        };
        if (schema.Properties!.ContainsKey("status"))
        {
            version["subresources"] = new JsonObject { ["status"] = new JsonObject() };
        }
        var columns = PrinterColumns.Of(entityType, options);
        if (columns.Count > 0)
        {
            version["additionalPrinterColumns"] = columns;
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{info.Plural}.{info.Group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = info.Group,
                ["names"] = Names(entityType, info),
                ["scope"] = (entityType.GetCustomAttribute<EntityScopeAttribute>()?.Scope ?? EntityScope.Namespaced).ToString(),
                ["versions"] = new JsonArray(version),
            },
        };
    }

    private static JsonObject Names(Type entityType, EntityInfo info)
    {
        var names = new JsonObject
        {
            ["kind"] = info.Kind,
            ["listKind"] = $"{info.Kind}List",
            ["plural"] = info.Plural,
            ["singular"] = info.Kind.ToLowerInvariant(),
        };
        if (entityType.GetCustomAttribute<KubernetesEntityShortNamesAttribute>() is { ShortNames.Count: > 0 } shortNames)
        {
            names["shortNames"] = new JsonArray(shortNames.ShortNames.Select(name => (JsonNode?)JsonValue.Create(name)).ToArray());
        }
        return names;
    }

    /// <summary>What the API server would otherwise reject only when the CRD is applied.</summary>
    private static void Validate(Type entityType, EntityInfo info)
    {
        if (!info.Group.Contains('.'))
        {
            throw new InvalidOperationException($"{entityType.Name}: a CRD's group must be a domain with a dot, not '{info.Group}'");
        }
        if (info.Kind.Length == 0 || info.Plural.Length == 0 || info.Plural != info.Plural.ToLowerInvariant())
        {
            throw new InvalidOperationException($"{entityType.Name}: [KubernetesEntity] needs a Kind and a lower-case PluralName");
        }
    }
}
