using Dragonfly.Grpc;
using Dragonfly.Kubernetes;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Preheat;
using Dragonfly.Operator.Runtime.Controllers;
using Dragonfly.Operator.Runtime.Events;

namespace Dragonfly.Operator.Controllers;

/// <summary>
/// Drives a PreheatTask: plans its items (image blobs or URLs), submits each to its home supernode, polls until
/// every item is done, and keeps status, progress and conditions current. All state lives in the status, so an
/// operator restart picks up where the last one stopped; a supernode that lost a task gets it again.
/// </summary>
public sealed class PreheatTaskController(KubernetesClient client, PreheatPlanner planner, SupernodeDirectory directory,
    PreheatProgressTracker tracker, EventRecorder events, OperatorOptions options, TimeProvider time) : IEntityController<V1Alpha1PreheatTask>
{
    public async Task<ReconciliationResult> ReconcileAsync(V1Alpha1PreheatTask task, CancellationToken cancellationToken)
    {
        var status = PreheatStatus.Copy(task.Status);
        if (status.Phase is PreheatPhase.Succeeded or PreheatPhase.Failed)
        {
            return await ExpireAsync(task, status, cancellationToken);
        }
        try
        {
            var supernodes = await directory.AddressesAsync(task, cancellationToken);
            if (status.Phase == PreheatPhase.Pending || status.Items.Count == 0)
            {
                var items = await planner.PlanAsync(task, cancellationToken);
                status.Items = await tracker.SubmitAsync(items, supernodes, [], cancellationToken);
                status.StartTime ??= time.GetUtcNow();
                await events.PublishAsync(task, "Started", $"Preheating {items.Count} items on {supernodes.Count} supernode replicas", EventType.Normal, cancellationToken);
            }
            else if (await tracker.RefreshAsync(status.Items, supernodes, cancellationToken))
            {
                var items = await planner.PlanAsync(task, cancellationToken);
                status.Items = await tracker.SubmitAsync(items, supernodes, status.Items, cancellationToken);
            }
        }
        catch (PreheatPlanException e)
        {
            return await AttemptFailedAsync(task, status, e.Message, e.IsRetryable, cancellationToken);
        }
        catch (RpcException e)
        {
            return await AttemptFailedAsync(task, status, $"the supernode did not answer: {e.Status.Detail} ({e.Status.StatusCode})", true, cancellationToken);
        }
        status.Attempts = 0;
        var finished = PreheatStatus.Advance(status, task.Metadata.Generation, time.GetUtcNow());
        await WriteAsync(task, status, cancellationToken);
        if (!finished)
        {
            return ReconciliationResult.Success(options.PreheatPollInterval);
        }
        await events.PublishAsync(task, status.Phase.ToString(), status.Message ?? string.Empty,
            status.Phase == PreheatPhase.Succeeded ? EventType.Normal : EventType.Warning, cancellationToken);
        return await ExpireAsync(task, status, cancellationToken);
    }

    private async Task<ReconciliationResult> AttemptFailedAsync(V1Alpha1PreheatTask task, V1Alpha1PreheatTaskStatus status, string message, bool retryable, CancellationToken cancellationToken)
    {
        status.Attempts++;
        if (retryable && status.Attempts < options.PreheatMaxAttempts)
        {
            status.Message = $"Attempt {status.Attempts} of {options.PreheatMaxAttempts} failed, retrying: {message}";
            await WriteAsync(task, status, cancellationToken);
            return ReconciliationResult.Failure(message);
        }
        PreheatStatus.Fail(status, message, task.Metadata.Generation, time.GetUtcNow());
        await WriteAsync(task, status, cancellationToken);
        await events.PublishAsync(task, "Failed", message, EventType.Warning, cancellationToken);
        return await ExpireAsync(task, status, cancellationToken);
    }

    /// <summary>Deletes a finished task once its ttlSecondsAfterFinished has passed, or comes back then.</summary>
    private async Task<ReconciliationResult> ExpireAsync(V1Alpha1PreheatTask task, V1Alpha1PreheatTaskStatus status, CancellationToken cancellationToken)
    {
        if (task.Spec.TtlSecondsAfterFinished is not { } ttl || status.CompletionTime is not { } completed)
        {
            return ReconciliationResult.Success();
        }
        var left = completed + TimeSpan.FromSeconds(ttl) - time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            return ReconciliationResult.Success(left);
        }
        await client.DeleteAsync<V1Alpha1PreheatTask>(task.Metadata.Name!, task.Metadata.Namespace, cancellationToken);
        return ReconciliationResult.Success();
    }

    private async Task WriteAsync(V1Alpha1PreheatTask task, V1Alpha1PreheatTaskStatus status, CancellationToken cancellationToken)
    {
        if (KubernetesJson.Serialize(status) != KubernetesJson.Serialize(task.Status))
        {
            await client.PatchStatusAsync<V1Alpha1PreheatTask>(task.Metadata.Name!, task.Metadata.Namespace, new { status }, cancellationToken);
        }
    }
}
