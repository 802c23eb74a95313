using System.Text;
using Dragonfly.Core;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Oci;
using Dragonfly.Operator.Entities;

namespace Dragonfly.Operator.Preheat;

/// <summary>
/// The items of a PreheatTask: every blob of its images (through <see cref="ImageResolver"/>, with the pull
/// secret's credentials) or every URL (with the headers secret). Failures name the bad reference, secret or
/// registry; only an unreachable registry is retryable.
/// </summary>
public sealed class PreheatPlanner(KubernetesClient client, ImageResolver resolver)
{
    public async Task<IReadOnlyList<PreheatItem>> PlanAsync(V1Alpha1PreheatTask task, CancellationToken cancellationToken)
    {
        var spec = task.Spec;
        var ns = task.Metadata.Namespace!;
        return spec.Type switch
        {
            PreheatType.Image => await PlanImagesAsync(spec, ns, cancellationToken),
            PreheatType.File => await PlanFilesAsync(spec, ns, cancellationToken),
            _ => throw new PreheatPlanException($"spec.type '{spec.Type}' is not Image or File", isRetryable: false),
        };
    }

    private async Task<IReadOnlyList<PreheatItem>> PlanImagesAsync(V1Alpha1PreheatTaskSpec spec, string ns, CancellationToken cancellationToken)
    {
        if (spec.Images is not { Count: > 0 })
        {
            throw new PreheatPlanException("spec.images is empty; a PreheatTask of type Image needs at least one image reference", isRetryable: false);
        }
        var references = new List<ImageReference>();
        foreach (var text in spec.Images)
        {
            if (!ImageReference.TryParse(text, out var reference, out var error))
            {
                throw new PreheatPlanException($"spec.images: {error}", isRetryable: false);
            }
            references.Add(reference);
        }
        var credentials = await PullCredentialsAsync(spec.PullSecretName, ns, cancellationToken);
        var items = new List<PreheatItem>();
        foreach (var reference in references)
        {
            IReadOnlyList<PreheatItem> blobs;
            try
            {
                blobs = await resolver.ResolveAsync(reference, spec.Platforms ?? [], credentials?.BasicAuthorizationFor(reference.Registry), spec.PlainHttp, cancellationToken);
            }
            catch (RegistryException e)
            {
                throw new PreheatPlanException($"{reference}: {e.Message}", e.IsRetryable, e);
            }
            items.AddRange(blobs.Where(b => items.All(i => i.Digest != b.Digest)));
        }
        return items;
    }

    private async Task<IReadOnlyList<PreheatItem>> PlanFilesAsync(V1Alpha1PreheatTaskSpec spec, string ns, CancellationToken cancellationToken)
    {
        if (spec.Urls is not { Count: > 0 })
        {
            throw new PreheatPlanException("spec.urls is empty; a PreheatTask of type File needs at least one URL", isRetryable: false);
        }
        var headers = await HeadersAsync(spec.HeadersSecretName, ns, cancellationToken);
        var items = new List<PreheatItem>();
        foreach (var url in spec.Urls.Distinct(StringComparer.Ordinal))
        {
            if (new ContentKey(url).Validate() is { } problem)
            {
                throw new PreheatPlanException($"spec.urls: {problem}", isRetryable: false);
            }
            items.Add(new PreheatItem(url, url, null, null, headers));
        }
        return items;
    }

    private async Task<DockerConfigCredentials?> PullCredentialsAsync(string? name, string ns, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        var secret = await SecretAsync(name, ns, "spec.pullSecretName", cancellationToken);
        if (secret.Type != "kubernetes.io/dockerconfigjson" || secret.Data?.GetValueOrDefault(".dockerconfigjson") is not { } json)
        {
            throw new PreheatPlanException($"spec.pullSecretName: Secret {ns}/{name} is of type '{secret.Type}'; it must be kubernetes.io/dockerconfigjson with a .dockerconfigjson key", isRetryable: false);
        }
        try
        {
            return DockerConfigCredentials.Parse(Encoding.UTF8.GetString(json));
        }
        catch (FormatException e)
        {
            throw new PreheatPlanException($"spec.pullSecretName: Secret {ns}/{name}: {e.Message}", isRetryable: false, e);
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> HeadersAsync(string? name, string ns, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name))
        {
            return new Dictionary<string, string>();
        }
        var secret = await SecretAsync(name, ns, "spec.headersSecretName", cancellationToken);
        return (secret.Data ?? []).ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value).Trim(), StringComparer.OrdinalIgnoreCase);
    }

    private async Task<V1Secret> SecretAsync(string name, string ns, string field, CancellationToken cancellationToken) =>
        await client.GetAsync<V1Secret>(name, ns, cancellationToken)
        ?? throw new PreheatPlanException($"{field}: Secret {ns}/{name} does not exist", isRetryable: true);
}
