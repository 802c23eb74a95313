using System.Text.Json.Nodes;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// Builds test images into an OCI layout directory: real tar+gzip layers of incompressible pseudo-random
/// bytes, an OCI config whose <c>rootfs.diff_ids</c> match the layers, an OCI manifest, and for several
/// platforms an OCI image index. The same seed gives the same digests. Several images may share one layout
/// (one tag each), but not be built into it concurrently: index.json is rewritten per tag. Measured here: 74 MiB
/// in three layers in 0.15 s.
/// </summary>
public static class OciImageBuilder
{
    /// <summary>A single-platform image tagged <paramref name="tag"/>; each layer holds one file of about its size in bytes.</summary>
    public static async Task<OciImage> CreateAsync(string layoutDir, string tag, IReadOnlyList<long> layerSizes, int seed, string os = "linux", string arch = "amd64", CancellationToken cancellationToken = default)
    {
        var layout = new OciLayout(layoutDir);
        var platform = await WritePlatformAsync(layout, os, arch, layerSizes, Seed((uint)seed, 0), cancellationToken);
        await layout.TagAsync(platform.Manifest, tag, cancellationToken);
        return new OciImage(layout.Dir, tag, platform.Manifest.Digest, platform.Manifest.Size, platform.Manifest.MediaType, [platform]);
    }

    /// <summary>A multi-platform image: one manifest per platform (each with its own layers) under an OCI image index tagged <paramref name="tag"/>.</summary>
    public static async Task<OciImage> CreateIndexAsync(string layoutDir, string tag, IReadOnlyList<(string Os, string Arch, IReadOnlyList<long> LayerSizes)> platforms, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(platforms.Count);
        var layout = new OciLayout(layoutDir);
        var images = new List<OciPlatformImage>();
        for (var i = 0; i < platforms.Count; i++)
        {
            var (os, arch, sizes) = platforms[i];
            images.Add(await WritePlatformAsync(layout, os, arch, sizes, Seed((uint)seed, i + 1), cancellationToken));
        }
        var manifests = new JsonArray();
        foreach (var image in images)
        {
            var descriptor = OciLayout.Descriptor(image.Manifest);
            descriptor["platform"] = new JsonObject { ["architecture"] = image.Architecture, ["os"] = image.Os };
            manifests.Add(descriptor);
        }
        var index = await layout.WriteJsonAsync(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageIndex,
            ["manifests"] = manifests,
        }, OciMediaTypes.ImageIndex, cancellationToken);
        await layout.TagAsync(index, tag, cancellationToken);
        return new OciImage(layout.Dir, tag, index.Digest, index.Size, index.MediaType, images);
    }

    private static async Task<OciPlatformImage> WritePlatformAsync(OciLayout layout, string os, string arch, IReadOnlyList<long> layerSizes, ulong seed, CancellationToken cancellationToken)
    {
        // Layers are CPU-bound (gzip); build them side by side.
        var built = await Task.WhenAll(layerSizes.Select((size, i) =>
            Task.Run(() => layout.WriteLayer($"layer{i}/{os}-{arch}.bin", size, Seed(seed, i), cancellationToken), cancellationToken)));
        var config = await layout.WriteJsonAsync(new JsonObject
        {
            ["created"] = "2000-01-01T00:00:00Z",
            ["architecture"] = arch,
            ["os"] = os,
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") },
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(built.Select(b => (JsonNode)JsonValue.Create(b.DiffId)).ToArray()),
            },
            ["history"] = new JsonArray(built.Select((_, i) => (JsonNode)new JsonObject { ["created_by"] = $"registry kit layer {i}" }).ToArray()),
        }, OciMediaTypes.ImageConfig, cancellationToken);
        var manifest = await layout.WriteJsonAsync(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciMediaTypes.ImageManifest,
            ["config"] = OciLayout.Descriptor(config),
            ["layers"] = new JsonArray(built.Select(b => (JsonNode)OciLayout.Descriptor(b.Layer)).ToArray()),
        }, OciMediaTypes.ImageManifest, cancellationToken);
        return new OciPlatformImage(os, arch, manifest, config, built.Select(b => b.Layer).ToList());
    }

    /// <summary>Derives distinct generator seeds, so no two layers of one build share content.</summary>
    private static ulong Seed(ulong seed, int index) => unchecked((seed * 0x100000001B3UL) ^ ((ulong)(index + 1) * 0x9E3779B97F4A7C15UL));
}
