using Dragonfly.Core;

namespace Dragonfly.Oci;

/// <summary>A manifest or index as the registry sent it, with the Authorization that worked (for fetching its blobs).</summary>
public sealed record FetchedManifest(string MediaType, Digest Digest, byte[] Content, string? Authorization);
