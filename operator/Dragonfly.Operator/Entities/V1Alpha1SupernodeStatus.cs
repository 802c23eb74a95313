using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

public sealed class V1Alpha1SupernodeStatus
{
    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [Description("Pods of the StatefulSet.")]
    public int Replicas { get; set; }

    [Description("Pods that are ready.")]
    [AdditionalPrinterColumn(Name = "Ready")]
    public int ReadyReplicas { get; set; }

    [Description("Scheduler gRPC addresses of every replica (host:port), the list peers hash tasks over.")]
    public List<string> Endpoints { get; set; } = [];

    [Description("Ready, Progressing and Degraded.")]
    public List<V1Condition> Conditions { get; set; } = [];
}
