using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Runtime.Controllers;

namespace Dragonfly.Operator.Supernodes;

/// <summary>A Supernode's status from its StatefulSet: replica counts, endpoints, Ready / Progressing / Degraded.</summary>
public static class SupernodeStatusBuilder
{
    public static V1Alpha1SupernodeStatus Build(V1Alpha1Supernode supernode, V1StatefulSet? statefulSet, string? applyError, DateTimeOffset now)
    {
        var generation = supernode.Metadata.Generation;
        var previous = supernode.Status ?? new V1Alpha1SupernodeStatus();
        // Copy so that equal content serializes equally and transition times survive.
        var status = KubernetesJson.Clone(previous);
        status.ObservedGeneration = generation;
        status.Endpoints = SupernodeNames.Endpoints(supernode);
        var desired = supernode.Spec.Replicas;
        if (applyError is not null)
        {
            status.Conditions.Set("Degraded", true, "ApplyFailed", applyError, generation, now);
            status.Conditions.Set("Ready", status.ReadyReplicas >= desired && desired > 0, "ApplyFailed", "The latest spec could not be applied.", generation, now);
            return status;
        }
        var observed = statefulSet?.Status;
        var stsCurrent = observed is not null && (observed.ObservedGeneration ?? 0) >= (statefulSet!.Metadata.Generation ?? 0);
        status.Replicas = observed?.Replicas ?? 0;
        status.ReadyReplicas = observed?.ReadyReplicas ?? 0;
        var updated = observed?.UpdatedReplicas ?? 0;
        var rolledOut = stsCurrent && updated >= desired && status.Replicas == desired;
        var ready = rolledOut && status.ReadyReplicas >= desired;
        status.Conditions.Set("Ready", ready, ready ? "AllReplicasReady" : "ReplicasNotReady",
            $"{status.ReadyReplicas} of {desired} replicas ready", generation, now);
        status.Conditions.Set("Progressing", !ready, ready ? "RolloutComplete" : rolledOut ? "WaitingForReadiness" : "RollingOut",
            ready ? "Every replica runs the current spec and is ready."
            : $"{updated} of {desired} replicas updated to the current spec, {status.ReadyReplicas} ready", generation, now);
        var degraded = rolledOut && status.ReadyReplicas < desired;
        status.Conditions.Set("Degraded", degraded, degraded ? "ReplicasUnavailable" : "AsExpected",
            degraded ? $"{desired - status.ReadyReplicas} replicas run the current spec but are not ready; see kubectl describe pod -l app.kubernetes.io/instance={supernode.Metadata.Name}"
            : "No problems.", generation, now);
        return status;
    }
}
