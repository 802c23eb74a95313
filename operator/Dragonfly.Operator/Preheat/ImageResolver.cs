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
        var source = image.ToString();
        using var document = Parse(index, source);
        var root = Object(document.RootElement, source, "the index");
        if (!root.TryGetProperty("manifests", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            throw new PreheatPlanException($"{image}: the index has no manifests list", isRetryable: false);
        }
        var result = new List<(string, string)>();
        foreach (var element in entries.EnumerateArray())
        {
            var entry = Object(element, source, "an entry of the index's manifests");
            var digest = Text(entry, "digest", source, "an entry of the index's manifests");
            if (digest is null || !entry.TryGetProperty("platform", out var platformElement))
            {
                continue;
            }
            var platform = Object(platformElement, source, "the \"platform\" of an index entry");
            var os = Text(platform, "os", source, "the platform of an index entry");
            var architecture = Text(platform, "architecture", source, "the platform of an index entry");
            if (os is null or "unknown" || architecture is null or "unknown")
            {
                continue; // attestations and other non-runnable entries
            }
            var variant = Text(platform, "variant", source, "the platform of an index entry") is { } v ? "/" + v : "";
            result.Add(($"{os}/{architecture}{variant}", digest));
        }
        return result;
    }

    private static IEnumerable<(string Digest, long Size)> Blobs(FetchedManifest manifest, string source)
    {
        using var document = Parse(manifest, source);
        var root = Object(document.RootElement, source, "the manifest");
        var result = new List<(string, long)>();
        if (root.TryGetProperty("config", out var config))
        {
            result.Add(Descriptor(Object(config, source, "the \"config\" descriptor"), source));
        }
        if (root.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
        {
            result.AddRange(layers.EnumerateArray().Select(layer => Descriptor(Object(layer, source, "a descriptor in \"layers\""), source)));
        }
        return result;
    }

    private static (string Digest, long Size) Descriptor(JsonElement descriptor, string source)
    {
        var digest = descriptor.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (!Core.Digest.TryParse(digest, out _, out var error))
        {
            throw new PreheatPlanException($"{source}: the manifest lists a blob with an invalid digest: {error}", isRetryable: false);
        }
        var size = descriptor.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt64(out var n) ? n : -1;
        return (digest!, size);
    }

    // A registry's JSON may have any shape: reading a property of a non-object (or a string that is a number) would
    // throw InvalidOperationException, which the controller retries forever without a status. These fail the task
    // instead, saying what is wrong.
    private static JsonElement Object(JsonElement element, string source, string what) =>
        element.ValueKind == JsonValueKind.Object
            ? element
            : throw new PreheatPlanException($"{source}: {what} is not a JSON object but {element.ValueKind}", isRetryable: false);

    private static string? Text(JsonElement owner, string name, string source, string what) =>
        !owner.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new PreheatPlanException($"{source}: {what} has a \"{name}\" that is not a string", isRetryable: false);

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
