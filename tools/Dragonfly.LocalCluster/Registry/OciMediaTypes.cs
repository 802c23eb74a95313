namespace Dragonfly.LocalCluster.Registry;

/// <summary>The OCI image-spec media types the kit writes.</summary>
public static class OciMediaTypes
{
    public const string ImageIndex = "application/vnd.oci.image.index.v1+json";
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string ImageConfig = "application/vnd.oci.image.config.v1+json";
    public const string LayerTarGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
}
