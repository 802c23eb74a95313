using System.Text.Json;
using Dragonfly.Oci;

namespace Dragonfly.Operator.Preheat;

/// <summary>
/// Turns an image reference into the blobs a pull fetches: an index is narrowed to the wanted platforms (all
/// when none are named; attestation manifests skipped), and each image manifest gives its config and layers.
/// Each blob is one item with the registry blob URL and the Authorization that read the manifest.
/// </summary>
public sealed class ImageResolver(RegistryClient registry)
{
    public async Task<IReadOnlyList<PreheatItem>> ResolveAsync(ImageReference image, IReadOnlyCollection<string> platforms,
        string? basicAuthorization, bool plainHttp, CancellationToken cancellationToken)
    {
        var registryBase = new Uri($"{(plainHttp ? "http" : "https")}://{image.ApiHost}");
        var top = await registry.GetManifestAsync(registryBase, image.Repository, image.ManifestReference, basicAuthorization, cancellationToken);
        var manifests = new List<(string Source, Oci.FetchedManifest Manifest)>();
        if (ManifestMediaTypes.IsIndex(top.MediaType))
        {
            var chosen = Platforms(top, image).Where(p => platforms.Count == 0 || platforms.Contains(p.Platform, StringComparer.Ordinal)).ToList();
            if (chosen.Count == 0)
            {
                var offered = string.Join(", ", Platforms(top, image).Select(p => p.Platform));
                throw new PreheatPlanException($"{image} has no manifest for {string.Join(", ", platforms)}; it offers {offered}", isRetryable: false);
            }
            foreach (var (platform, digest) in chosen)
            {
                manifests.Add(($"{image} ({platform})", await registry.GetManifestAsync(registryBase, image.Repository, digest, basicAuthorization, cancellationToken)));
            }
        }
        else if (ManifestMediaTypes.IsManifest(top.MediaType))
        {
            manifests.Add((image.ToString(), top));
        }
        else
        {
            throw new PreheatPlanException($"{image}: the registry sent media type '{top.MediaType}', which is neither an image manifest nor an index", isRetryable: false);
        }
        var items = new List<PreheatItem>();
        foreach (var (source, manifest) in manifests)
        {
            foreach (var (digest, size) in Blobs(manifest, source))
            {
                if (items.Any(i => i.Digest == digest))
                {
                    continue;
                }
                var headers = manifest.Authorization is { } authorization
                    ? new Dictionary<string, string> { ["Authorization"] = authorization }
                    : new Dictionary<string, string>();
                items.Add(new PreheatItem(source, new Uri(registryBase, $"/v2/{image.Repository}/blobs/{digest}").AbsoluteUri, digest, size, headers));
            }
        }
        return items;
    }

    private static IEnumerable<(string Platform, string Digest)> Platforms(FetchedManifest index, ImageReference image)
    {
        using var document = Parse(index, image.ToString());
        if (!document.RootElement.TryGetProperty("manifests", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new PreheatPlanException($"{image}: the index has no manifests list", isRetryable: false);
        }
        var result = new List<(string, string)>();
        foreach (var entry in entries.EnumerateArray())
        {
            var digest = entry.TryGetProperty("digest", out var d) ? d.GetString() : null;
            if (digest is null || !entry.TryGetProperty("platform", out var platform))
            {
                continue;
            }
            var os = platform.TryGetProperty("os", out var o) ? o.GetString() : null;
            var architecture = platform.TryGetProperty("architecture", out var a) ? a.GetString() : null;
            if (os is null or "unknown" || architecture is null or "unknown")
            {
                continue; // attestations and other non-runnable entries
            }
            var variant = platform.TryGetProperty("variant", out var v) ? "/" + v.GetString() : "";
            result.Add(($"{os}/{architecture}{variant}", digest));
        }
        return result;
    }

    private static IEnumerable<(string Digest, long Size)> Blobs(FetchedManifest manifest, string source)
    {
        using var document = Parse(manifest, source);
        var root = document.RootElement;
        var result = new List<(string, long)>();
        if (root.TryGetProperty("config", out var config))
        {
            result.Add(Descriptor(config, source));
        }
        if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            result.AddRange(layers.EnumerateArray().Select(layer => Descriptor(layer, source)));
        }
        return result;
    }

    private static (string Digest, long Size) Descriptor(JsonElement descriptor, string source)
    {
        var digest = descriptor.TryGetProperty("digest", out var d) ? d.GetString() : null;
        if (!Core.Digest.TryParse(digest, out _, out var error))
        {
            throw new PreheatPlanException($"{source}: the manifest lists a blob with an invalid digest: {error}", isRetryable: false);
        }
        var size = descriptor.TryGetProperty("size", out var s) && s.TryGetInt64(out var n) ? n : -1;
        return (digest!, size);
    }

    private static JsonDocument Parse(FetchedManifest manifest, string source)
    {
        try
        {
            return JsonDocument.Parse(manifest.Content);
        }
        catch (JsonException e)
        {
            throw new PreheatPlanException($"{source}: the registry sent a manifest that is not JSON: {e.Message}", isRetryable: false, e);
        }
    }
}
