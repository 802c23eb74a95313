using Dragonfly.Operator.Entities;

namespace Dragonfly.Operator.Supernodes;

/// <summary>Names and labels of the objects a Supernode owns, and the addresses peers use.</summary>
public static class SupernodeNames
{
    public const string ManagedBy = "dragonfly-operator";

    public static string StatefulSet(V1Alpha1Supernode s) => s.Metadata.Name!;
    public static string HeadlessService(V1Alpha1Supernode s) => $"{s.Metadata.Name}-headless";
    public static string ClientService(V1Alpha1Supernode s) => s.Metadata.Name!;
    public static string ConfigMap(V1Alpha1Supernode s) => $"{s.Metadata.Name}-config";
    public static string DisruptionBudget(V1Alpha1Supernode s) => s.Metadata.Name!;

    /// <summary>Labels every owned object carries; the pod selector is the first two.</summary>
    public static Dictionary<string, string> Labels(V1Alpha1Supernode s) => new()
    {
        ["app.kubernetes.io/name"] = "supernode",
        ["app.kubernetes.io/instance"] = s.Metadata.Name!,
        ["app.kubernetes.io/part-of"] = "dragonfly",
        ["app.kubernetes.io/managed-by"] = ManagedBy,
    };

    public static Dictionary<string, string> Selector(V1Alpha1Supernode s) => new()
    {
        ["app.kubernetes.io/name"] = "supernode",
        ["app.kubernetes.io/instance"] = s.Metadata.Name!,
    };

    /// <summary>
    /// Scheduler addresses of every replica through the headless Service's stable pod names
    /// (<c>name-0.name-headless.ns.svc:8002</c>). Peers are configured with the same list, so both sides
    /// hash a task to the same home replica.
    /// </summary>
    public static List<string> Endpoints(V1Alpha1Supernode s) =>
        Enumerable.Range(0, s.Spec.Replicas)
            .Select(i => $"{s.Metadata.Name}-{i}.{HeadlessService(s)}.{s.Metadata.Namespace}.svc:{s.Spec.Ports.Grpc}")
            .ToList();
}
