using Dragonfly.Core.RateLimiting;

namespace Dragonfly.PeerDaemon;

/// <summary>The seeds' host-level speed limit: one bucket per direction, shared by every task on this host.</summary>
public sealed record HostRateLimits(ByteRateLimiter Download, ByteRateLimiter Upload, ByteRateLimiter BackToSource);
