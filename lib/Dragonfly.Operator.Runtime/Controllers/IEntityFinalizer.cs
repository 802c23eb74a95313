using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>
/// Cleanup that must happen before an entity disappears. The runtime adds <see cref="Identifier"/> to the
/// entity's finalizers before the first reconcile and removes it once <see cref="FinalizeAsync"/> succeeds.
/// </summary>
public interface IEntityFinalizer<in TEntity> where TEntity : IKubernetesObject
{
    /// <summary>A finalizer name, e.g. <c>dragonfly.io/preheat-cleanup</c>.</summary>
    string Identifier { get; }

    Task<ReconciliationResult> FinalizeAsync(TEntity entity, CancellationToken cancellationToken);
}
