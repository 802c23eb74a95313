using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Runtime.Controllers;
using Dragonfly.Operator.Runtime.Events;
using Dragonfly.Operator.Supernodes;

namespace Dragonfly.Operator.Controllers;

/// <summary>
/// Applies a Supernode's ConfigMap, Services, StatefulSet and PodDisruptionBudget (server-side apply, so fields
/// others own are left alone) and reports the StatefulSet's progress as Ready / Progressing / Degraded.
/// </summary>
public sealed class SupernodeController(KubernetesClient client, ApiCapabilities api, EventRecorder events, OperatorOptions options, TimeProvider time)
    : IEntityController<V1Alpha1Supernode>
{
    public async Task<ReconciliationResult> ReconcileAsync(V1Alpha1Supernode supernode, CancellationToken cancellationToken)
    {
        V1StatefulSet statefulSet;
        try
        {
            var config = await client.ApplyAsync(SupernodeResources.ConfigMap(supernode), options.FieldManager, cancellationToken: cancellationToken);
            await client.ApplyAsync(SupernodeResources.HeadlessService(supernode), options.FieldManager, cancellationToken: cancellationToken);
            await client.ApplyAsync(SupernodeResources.ClientService(supernode), options.FieldManager, cancellationToken: cancellationToken);
            statefulSet = await client.ApplyAsync(SupernodeResources.StatefulSet(supernode, config), options.FieldManager, cancellationToken: cancellationToken);
            if (await api.ServesPolicyV1Async(cancellationToken))
            {
                await client.ApplyAsync(SupernodeResources.DisruptionBudget<V1PodDisruptionBudget>(supernode), options.FieldManager, cancellationToken: cancellationToken);
            }
            else
            {
                await client.ApplyAsync(SupernodeResources.DisruptionBudget<V1Beta1PodDisruptionBudget>(supernode), options.FieldManager, cancellationToken: cancellationToken);
            }
        }
        catch (KubernetesException e) when (e.IsInvalid || e.IsForbidden)
        {
            // The server refused what the spec asks for (e.g. a storage change on an existing StatefulSet): say so and retry later.
            await WriteStatusAsync(supernode, null, $"Applying the supernode's objects was refused: {e.Message}", cancellationToken);
            await events.PublishAsync(supernode, "ApplyFailed", e.Message, EventType.Warning, cancellationToken);
            return ReconciliationResult.Failure(e.Message, e);
        }
        if (supernode.Status?.ObservedGeneration != supernode.Metadata.Generation)
        {
            await events.PublishAsync(supernode, "Applied",
                $"Generation {supernode.Metadata.Generation}: StatefulSet {statefulSet.Metadata.Name} with {supernode.Spec.Replicas} replicas of {supernode.Spec.Image}", EventType.Normal, cancellationToken);
        }
        await WriteStatusAsync(supernode, statefulSet, null, cancellationToken);
        return ReconciliationResult.Success();
    }

    private async Task WriteStatusAsync(V1Alpha1Supernode supernode, V1StatefulSet? statefulSet, string? applyError, CancellationToken cancellationToken)
    {
        var status = SupernodeStatusBuilder.Build(supernode, statefulSet, applyError, time.GetUtcNow());
        if (KubernetesJson.Serialize(status) != KubernetesJson.Serialize(supernode.Status))
        {
            await client.PatchStatusAsync<V1Alpha1Supernode>(supernode.Metadata.Name!, supernode.Metadata.Namespace, new { status }, cancellationToken);
        }
    }
}
