using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>Brings the world in line with one entity's spec. Called with the informer's latest copy; must be idempotent.</summary>
public interface IEntityController<in TEntity> where TEntity : IKubernetesObject
{
    Task<ReconciliationResult> ReconcileAsync(TEntity entity, CancellationToken cancellationToken);
}
