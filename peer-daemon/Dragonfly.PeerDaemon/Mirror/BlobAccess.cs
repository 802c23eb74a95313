namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>The registry confirmed this client may read the blob; its size and type as the registry reports them.</summary>
/// <param name="Authorization">The credentials that worked (to hand to the P2P engine for the source fetch).</param>
public sealed record BlobAccess(long Length, string ContentType, string? Authorization, DateTimeOffset CheckedAt);
