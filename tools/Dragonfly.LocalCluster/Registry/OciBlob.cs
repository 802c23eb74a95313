namespace Dragonfly.LocalCluster.Registry;

/// <summary>A content-addressed blob: <c>sha256:&lt;hex&gt;</c>, its size in bytes and its media type (an OCI descriptor).</summary>
public sealed record OciBlob(string Digest, long Size, string MediaType);
