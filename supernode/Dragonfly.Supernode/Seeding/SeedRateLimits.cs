using Dragonfly.Core.RateLimiting;

namespace Dragonfly.Supernode.Seeding;

/// <summary>The supernode's host-level limits: one bucket for source traffic, one for serving peers.</summary>
public sealed record SeedRateLimits(ByteRateLimiter BackToSource, ByteRateLimiter Upload);
