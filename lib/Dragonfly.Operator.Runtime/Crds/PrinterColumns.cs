using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>
/// The <c>kubectl get</c> columns of an entity. Order: first the properties marked
/// <see cref="AdditionalPrinterColumnAttribute"/>, depth first in declaration order (so spec before status, a
/// nested object's columns where the object is declared), then the class's
/// <see cref="GenericAdditionalPrinterColumnAttribute"/>s in the order they are written.
/// </summary>
internal static class PrinterColumns
{
    /// <summary>The column types apiextensions.k8s.io/v1 accepts.</summary>
    private static readonly HashSet<string> ColumnTypes = ["integer", "number", "string", "boolean", "date"];

    public static JsonArray Of(Type entityType, JsonSerializerOptions options)
    {
        var columns = new JsonArray();
        var visiting = new HashSet<Type> { entityType };
        foreach (var property in SerializedProperties.Of(entityType, options).Where(property => property.Name != "metadata"))
        {
            AddPropertyColumns(property, $".{property.Name}", columns, visiting, options);
        }
        foreach (var generic in entityType.GetCustomAttributes<GenericAdditionalPrinterColumnAttribute>())
        {
            if (!ColumnTypes.Contains(generic.Type))
            {
                throw new InvalidOperationException(
                    $"{entityType.Name}: printer column {generic.Name} has type {generic.Type}; use one of {string.Join(", ", ColumnTypes)}");
            }
            columns.Add(Column(generic.Name, generic.Type, generic.Description, generic.Priority, generic.JsonPath));
        }
        RejectDuplicateNames(entityType, columns);
        return columns;
    }

    /// <summary>A property column on a type used in two places would show twice under one heading.</summary>
    private static void RejectDuplicateNames(Type entityType, JsonArray columns)
    {
        var duplicate = columns.GroupBy(column => column!["name"]!.GetValue<string>()).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"{entityType.Name}: two printer columns are named {duplicate.Key} ({string.Join(", ", duplicate.Select(column => column!["jsonPath"]))}); " +
                "give them distinct names, or move a column on a shared type to a [GenericAdditionalPrinterColumn] on the entity");
        }
    }

    private static void AddPropertyColumns(JsonPropertyInfo property, string jsonPath, JsonArray columns, HashSet<Type> visiting, JsonSerializerOptions options)
    {
        var member = SerializedProperties.MemberOf(property);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (member.GetCustomAttribute<AdditionalPrinterColumnAttribute>() is { } column)
        {
            columns.Add(Column(column.Name ?? member.Name, ColumnTypeOf(type), column.Description, column.Priority, jsonPath));
        }
        if (type == typeof(object) || options.GetTypeInfo(type).Kind != JsonTypeInfoKind.Object || !visiting.Add(type))
        {
            return;
        }
        foreach (var nested in SerializedProperties.Of(type, options))
        {
            AddPropertyColumns(nested, $"{jsonPath}.{nested.Name}", columns, visiting, options);
        }
        visiting.Remove(type);
    }

    private static string ColumnTypeOf(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Boolean => "boolean",
        TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32
            or TypeCode.Int64 or TypeCode.UInt64 when !type.IsEnum => "integer",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "number",
        TypeCode.DateTime => "date",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateOnly) => "date",
        _ => "string",
    };

    private static JsonObject Column(string name, string type, string? description, int priority, string jsonPath)
    {
        var column = new JsonObject { ["name"] = name, ["type"] = type };
        if (description is not null)
        {
            column["description"] = description;
        }
        if (priority != 0)
        {
            column["priority"] = priority;
        }
        column["jsonPath"] = jsonPath;
        return column;
    }
}
