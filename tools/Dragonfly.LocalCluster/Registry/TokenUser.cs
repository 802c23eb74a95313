namespace Dragonfly.LocalCluster.Registry;

/// <summary>An account the token server accepts over HTTP Basic, and what it may do beyond anonymous access.</summary>
public sealed record TokenUser(string Name, string Password, IReadOnlyList<TokenAccessRule> Access);
