using System.Text.Json;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Operator.Runtime.Crds;

/// <summary>Applies the generated CRDs of entity types to the API server and waits until each is Established (served).</summary>
public static class CrdInstaller
{
    public static async Task InstallAsync(KubernetesClient client, IEnumerable<Type> entityTypes, string fieldManager, TimeProvider time, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var type in entityTypes)
        {
            var crd = CrdGenerator.Generate(type).Deserialize<V1CustomResourceDefinition>(KubernetesJson.Options)
                ?? throw new InvalidOperationException($"the CRD of {type.Name} did not deserialize");
            crd.Status = null;
            await client.ApplyAsync(crd, fieldManager, cancellationToken: cancellationToken);
            names.Add(crd.Metadata.Name!);
        }
        foreach (var name in names)
        {
            while (true)
            {
                var crd = await client.GetAsync<V1CustomResourceDefinition>(name, null, cancellationToken);
                if (crd?.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true)
                {
                    break;
                }
                if (crd?.Status?.Conditions?.FirstOrDefault(c => c.Type == "NamesAccepted" && c.Status == "False") is { } refused)
                {
                    throw new InvalidOperationException($"CRD {name} was not accepted: {refused.Message}");
                }
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
        }
    }
}
