namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// An image written into an OCI layout directory under <see cref="Tag"/>: either one manifest
/// (<see cref="OciMediaTypes.ImageManifest"/>, one platform) or an index of one manifest per platform.
/// </summary>
public sealed record OciImage(string LayoutDir, string Tag, string ManifestDigest, long ManifestSize, string MediaType, IReadOnlyList<OciPlatformImage> Platforms)
{
    public bool IsIndex => MediaType == OciMediaTypes.ImageIndex;

    /// <summary>The top-level manifest or index.</summary>
    public OciBlob Manifest => new(ManifestDigest, ManifestSize, MediaType);

    /// <summary>Every layer of every platform.</summary>
    public IReadOnlyList<OciBlob> Layers => Platforms.SelectMany(p => p.Layers).ToList();

    public IReadOnlyList<string> ConfigDigests => Platforms.Select(p => p.Config.Digest).ToList();

    /// <summary>Configs, layers and manifests (platform manifests and, for an index, the index itself).</summary>
    public IReadOnlyList<OciBlob> AllBlobs =>
        Platforms.Select(p => p.Config)
            .Concat(Layers)
            .Concat(Platforms.Select(p => p.Manifest).Where(m => m.Digest != ManifestDigest))
            .Append(Manifest)
            .ToList();

    /// <summary>The <c>oci:DIR:TAG</c> reference skopeo reads this image from.</summary>
    public string SkopeoReference => $"oci:{LayoutDir}:{Tag}";
}
