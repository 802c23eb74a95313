using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator;

/// <summary>What the API server serves, discovered once: policy/v1 PodDisruptionBudget appeared in Kubernetes 1.21.</summary>
public sealed class ApiCapabilities(KubernetesClient client)
{
    private Task<bool>? _policyV1;

    public Task<bool> ServesPolicyV1Async(CancellationToken cancellationToken)
    {
        var known = _policyV1;
        if (known is { IsCompletedSuccessfully: true })
        {
            return known;
        }
        return _policyV1 = client.ServesAsync<V1PodDisruptionBudget>(cancellationToken);
    }
}
