namespace Dragonfly.Oci;

/// <summary>Error codes of the OCI distribution spec (plus RANGE_INVALID, which Docker's registry uses for 416).</summary>
public static class OciErrorCode
{
    public const string BlobUnknown = "BLOB_UNKNOWN";
    public const string DigestInvalid = "DIGEST_INVALID";
    public const string ManifestUnknown = "MANIFEST_UNKNOWN";
    public const string ManifestInvalid = "MANIFEST_INVALID";
    public const string NameInvalid = "NAME_INVALID";
    public const string NameUnknown = "NAME_UNKNOWN";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Denied = "DENIED";
    public const string Unsupported = "UNSUPPORTED";
    public const string TooManyRequests = "TOOMANYREQUESTS";
    public const string RangeInvalid = "RANGE_INVALID";

    /// <summary>Not in the spec: the mirror could not reach or use the upstream registry.</summary>
    public const string UpstreamUnavailable = "UNAVAILABLE";
}
