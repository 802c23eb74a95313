using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>Status conditions as the API conventions want them: one per type, transition time moves only when the status flips.</summary>
public static class Conditions
{
    public static void Set(this List<V1Condition> conditions, string type, bool status, string reason, string message, long? observedGeneration, DateTimeOffset now)
    {
        var value = status ? "True" : "False";
        var existing = conditions.FirstOrDefault(c => c.Type == type);
        if (existing is null)
        {
            conditions.Add(new V1Condition { Type = type, Status = value, Reason = reason, Message = message, ObservedGeneration = observedGeneration, LastTransitionTime = now });
            return;
        }
        if (existing.Status != value)
        {
            existing.LastTransitionTime = now;
        }
        existing.Status = value;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = observedGeneration;
    }

    public static bool IsTrue(this IEnumerable<V1Condition> conditions, string type) =>
        conditions.Any(c => c.Type == type && c.Status == "True");
}
