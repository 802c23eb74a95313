using System.Diagnostics.Metrics;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>Metrics of every controller (meter <c>Dragonfly.Operator</c>): reconciles by result and their duration.</summary>
public static class ControllerMetrics
{
    private static readonly Meter Meter = new("Dragonfly.Operator");
    private static readonly Counter<long> Reconciles = Meter.CreateCounter<long>("dragonfly_operator_reconciles_total",
        description: "Reconciles, by controller (the resource kind) and result (success, failure).");
    private static readonly Histogram<double> Seconds = Meter.CreateHistogram<double>("dragonfly_operator_reconcile_duration_seconds",
        description: "Time one reconcile took, by controller.");

    public static void Reconciled(string controller, bool success, TimeSpan elapsed)
    {
        var kind = new KeyValuePair<string, object?>("controller", controller);
        Reconciles.Add(1, kind, new KeyValuePair<string, object?>("result", success ? "success" : "failure"));
        Seconds.Record(elapsed.TotalSeconds, kind);
    }
}
