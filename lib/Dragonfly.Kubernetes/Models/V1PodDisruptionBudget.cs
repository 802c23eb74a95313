namespace Dragonfly.Kubernetes.Models;

/// <summary>policy/v1 PodDisruptionBudget (Kubernetes 1.21+); <see cref="V1Beta1PodDisruptionBudget"/> for older servers.</summary>
[KubernetesEntity(Group = "policy", ApiVersion = "v1", Kind = "PodDisruptionBudget", PluralName = "poddisruptionbudgets")]
public sealed class V1PodDisruptionBudget : KubernetesObject<V1PodDisruptionBudgetSpec, V1PodDisruptionBudgetStatus>;
