using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>The schema of <see cref="V1Condition"/>: metav1.Condition as Kubernetes' own types describe it.</summary>
internal static class ConditionSchema
{
    public static JsonSchemaProps Create()
    {
        var schema = JsonSchemaProps.EmptyObject();
        schema.Description = "A condition of the resource's current state (metav1.Condition).";
        schema.AddProperty("type", Described(JsonSchemaProps.Of("string"), "The condition's type in CamelCase, e.g. Ready."), required: true);
        var status = Described(JsonSchemaProps.Of("string"), "True, False or Unknown.");
        status.Enum = ["True", "False", "Unknown"];
        schema.AddProperty("status", status, required: true);
        schema.AddProperty("reason", Described(JsonSchemaProps.Of("string"),
            "The reason for the last transition, a CamelCase word for programs."), required: false);
        schema.AddProperty("message", Described(JsonSchemaProps.Of("string"),
            "The last transition in words for people."), required: false);
        schema.AddProperty("lastTransitionTime", Described(JsonSchemaProps.Of("string", "date-time"),
            "When the status last changed."), required: false);
        var observedGeneration = Described(JsonSchemaProps.Of("integer", "int64"),
            "The .metadata.generation the condition was set from.");
        observedGeneration.Minimum = 0;
        schema.AddProperty("observedGeneration", observedGeneration, required: false);
        return schema;
    }

    private static JsonSchemaProps Described(JsonSchemaProps schema, string description)
    {
        schema.Description = description;
        return schema;
    }
}
