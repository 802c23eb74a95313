using Dragonfly.Core;
using Dragonfly.Kubernetes;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Runtime.Controllers;

namespace Dragonfly.Operator.Preheat;

/// <summary>The status arithmetic of a PreheatTask: progress, phase, conditions and messages (pure, tested alone).</summary>
public static class PreheatStatus
{
    public static V1Alpha1PreheatTaskStatus Copy(V1Alpha1PreheatTaskStatus? status) =>
        status is null ? new V1Alpha1PreheatTaskStatus() : KubernetesJson.Clone(status);

    /// <summary>Recomputes progress and the phase from the items; true when every item is done.</summary>
    public static bool Advance(V1Alpha1PreheatTaskStatus status, long? generation, DateTimeOffset now)
    {
        var items = status.Items;
        var done = items.Count(i => i.State is PreheatItemState.Succeeded or PreheatItemState.Failed);
        var failed = items.Where(i => i.State == PreheatItemState.Failed).ToList();
        status.ObservedGeneration = generation;
        status.Progress = new PreheatProgress
        {
            ItemsDone = done,
            ItemsTotal = items.Count,
            BytesDone = items.Sum(i => i.BytesDone),
            BytesTotal = items.Sum(i => i.Bytes ?? 0),
            Summary = $"{done}/{items.Count}",
        };
        if (done < items.Count)
        {
            status.Phase = PreheatPhase.Running;
            status.Message = $"{done} of {items.Count} items done, {ByteSize.Format(status.Progress.BytesDone)} of {ByteSize.Format(status.Progress.BytesTotal)}";
            status.Conditions.Set("Complete", false, "Running", status.Message, generation, now);
            return false;
        }
        status.CompletionTime ??= now;
        if (failed.Count == 0)
        {
            status.Phase = PreheatPhase.Succeeded;
            status.Message = $"All {items.Count} items are in the supernode cache ({ByteSize.Format(status.Progress.BytesTotal)})";
            status.Conditions.Set("Complete", true, "AllItemsCached", status.Message, generation, now);
            status.Conditions.Set("Failed", false, "AllItemsCached", status.Message, generation, now);
            return true;
        }
        var first = failed[0];
        Fail(status, $"{failed.Count} of {items.Count} items failed; first: {first.Source} ({first.Digest ?? first.Url}): {first.Error}", generation, now);
        return true;
    }

    public static void Fail(V1Alpha1PreheatTaskStatus status, string message, long? generation, DateTimeOffset now)
    {
        status.Phase = PreheatPhase.Failed;
        status.Message = message;
        status.ObservedGeneration = generation;
        status.CompletionTime ??= now;
        status.Conditions.Set("Complete", false, "Failed", message, generation, now);
        status.Conditions.Set("Failed", true, "Failed", message, generation, now);
    }
}
