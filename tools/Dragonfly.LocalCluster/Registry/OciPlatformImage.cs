namespace Dragonfly.LocalCluster.Registry;

/// <summary>One platform's image: its manifest, config and layers.</summary>
public sealed record OciPlatformImage(string Os, string Architecture, OciBlob Manifest, OciBlob Config, IReadOnlyList<OciBlob> Layers)
{
    /// <summary><c>os/arch</c>, as <c>--platform</c> takes it.</summary>
    public string Platform => $"{Os}/{Architecture}";
}
