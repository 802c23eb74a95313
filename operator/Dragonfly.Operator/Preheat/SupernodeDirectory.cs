using Dragonfly.Kubernetes;
using Dragonfly.Operator.Entities;

namespace Dragonfly.Operator.Preheat;

/// <summary>
/// The scheduler addresses of the Supernode a PreheatTask names (or the only one in its namespace), in the form
/// peers use, or the configured override for an operator outside the cluster.
/// </summary>
public sealed class SupernodeDirectory(KubernetesClient client, OperatorOptions options)
{
    public async Task<IReadOnlyList<Uri>> AddressesAsync(V1Alpha1PreheatTask task, CancellationToken cancellationToken)
    {
        var ns = task.Metadata.Namespace!;
        V1Alpha1Supernode supernode;
        if (!string.IsNullOrEmpty(task.Spec.Supernode))
        {
            supernode = await client.GetAsync<V1Alpha1Supernode>(task.Spec.Supernode, ns, cancellationToken)
                ?? throw new PreheatPlanException($"spec.supernode: Supernode {ns}/{task.Spec.Supernode} does not exist", isRetryable: true);
        }
        else
        {
            var all = await client.ListAsync<V1Alpha1Supernode>(ns, cancellationToken: cancellationToken);
            supernode = all.Count switch
            {
                1 => all[0],
                0 => throw new PreheatPlanException($"there is no Supernode in namespace {ns}; create one or set spec.supernode", isRetryable: true),
                _ => throw new PreheatPlanException($"namespace {ns} has {all.Count} Supernodes ({string.Join(", ", all.Select(s => s.Metadata.Name))}); set spec.supernode", isRetryable: false),
            };
        }
        if (options.SupernodeEndpointOverride.Count > 0)
        {
            return options.SupernodeEndpointOverride.Select(e => new Uri(e)).ToArray();
        }
        var endpoints = supernode.Status?.Endpoints ?? [];
        if (endpoints.Count == 0)
        {
            throw new PreheatPlanException($"Supernode {ns}/{supernode.Metadata.Name} has no endpoints yet", isRetryable: true);
        }
        var scheme = string.IsNullOrEmpty(supernode.Spec.TlsSecretName) ? "http" : "https";
        return endpoints.Select(e => new Uri($"{scheme}://{e}")).ToArray();
    }
}
