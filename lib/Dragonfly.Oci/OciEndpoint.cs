namespace Dragonfly.Oci;

/// <summary>The pull-side endpoints of the OCI distribution API, and uploads (which a pull mirror refuses).</summary>
public enum OciEndpoint
{
    /// <summary><c>/v2/</c>: the API version check.</summary>
    ApiBase,
    /// <summary><c>/v2/&lt;name&gt;/manifests/&lt;reference&gt;</c>.</summary>
    Manifest,
    /// <summary><c>/v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>.</summary>
    Blob,
    /// <summary><c>/v2/&lt;name&gt;/blobs/uploads/...</c>: pushes.</summary>
    BlobUpload,
    /// <summary><c>/v2/&lt;name&gt;/tags/list</c>.</summary>
    TagList,
    /// <summary><c>/v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>.</summary>
    Referrers,
    /// <summary><c>/v2/_catalog</c>.</summary>
    Catalog,
}
