namespace Dragonfly.Oci;

/// <summary>The manifest and index media types a puller accepts.</summary>
public static class ManifestMediaTypes
{
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string DockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";

    public static IReadOnlyList<string> All { get; } = [OciIndex, OciManifest, DockerList, DockerManifest];

    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerList;

    public static bool IsManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;
}
