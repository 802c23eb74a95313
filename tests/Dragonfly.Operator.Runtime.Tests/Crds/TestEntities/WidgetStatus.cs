using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Entities;
using DescriptionAttribute = Dragonfly.Operator.Runtime.Entities.DescriptionAttribute;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

[Description("What the widget is: the state the controller last observed, # not a comment, written by the controller through the status subresource.")]
public sealed class WidgetStatus
{
    [AdditionalPrinterColumn(Description = "Where the widget is in its life.")]
    public WidgetPhase Phase { get; set; }

    [AdditionalPrinterColumn(Name = "Ready")]
    public int? ReadyReplicas { get; set; }

    [AdditionalPrinterColumn(Name = "Scheduled", Priority = 1)]
    public DateTimeOffset? LastScheduleTime { get; set; }

    [AdditionalPrinterColumn]
    public bool Healthy { get; set; }

    [AdditionalPrinterColumn]
    public double? Load { get; set; }

    public List<V1Condition>? Conditions { get; set; }
}
