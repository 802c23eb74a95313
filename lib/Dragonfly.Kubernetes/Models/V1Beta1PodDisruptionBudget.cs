namespace Dragonfly.Kubernetes.Models;

/// <summary>policy/v1beta1 PodDisruptionBudget: the same spec, served by Kubernetes before 1.25.</summary>
[KubernetesEntity(Group = "policy", ApiVersion = "v1beta1", Kind = "PodDisruptionBudget", PluralName = "poddisruptionbudgets")]
public sealed class V1Beta1PodDisruptionBudget : KubernetesObject<V1PodDisruptionBudgetSpec, V1PodDisruptionBudgetStatus>;
