using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

public sealed class V1Alpha1PreheatTaskStatus
{
    [AdditionalPrinterColumn(Name = "Phase")]
    public PreheatPhase Phase { get; set; } = PreheatPhase.Pending;

    [Description("What is happening or went wrong, in words.")]
    public string? Message { get; set; }

    public long? ObservedGeneration { get; set; }

    public PreheatProgress Progress { get; set; } = new();

    public List<PreheatItemStatus> Items { get; set; } = [];

    [Description("Failed attempts to resolve the images or reach the supernode, for backoff.")]
    public int Attempts { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public DateTimeOffset? CompletionTime { get; set; }

    [Description("Complete and Failed, as for a Job.")]
    public List<V1Condition> Conditions { get; set; } = [];
}
