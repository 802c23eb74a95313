namespace Dragonfly.LocalCluster.Registry;

/// <summary>Settings of a <see cref="TokenServer"/>; the defaults grant nothing to anyone.</summary>
public sealed class TokenServerOptions
{
    /// <summary>The registry's service name: the token's <c>aud</c> and the <c>service</c> parameter clients send.</summary>
    public string Service { get; init; } = "dragonfly-test-registry";

    /// <summary>The token's <c>iss</c>; the registry trusts only this issuer.</summary>
    public string Issuer { get; init; } = "dragonfly-test-token-server";

    /// <summary>What requests without credentials are granted.</summary>
    public IReadOnlyList<TokenAccessRule> AnonymousAccess { get; init; } = [];

    /// <summary>Accounts; each is granted the anonymous access plus its own.</summary>
    public IReadOnlyList<TokenUser> Users { get; init; } = [];

    /// <summary>How long an issued token stays valid (<c>expires_in</c>).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Latency added to every token request, so tests can make concurrent requests overlap.</summary>
    public TimeSpan ResponseDelay { get; init; } = TimeSpan.Zero;

    /// <summary>The clock for token times and certificate validity. The registry checks them against its real clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Service);
        ArgumentException.ThrowIfNullOrWhiteSpace(Issuer);
        ArgumentOutOfRangeException.ThrowIfLessThan(TokenLifetime, TimeSpan.FromSeconds(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(ResponseDelay, TimeSpan.Zero);
        var duplicate = Users.GroupBy(u => u.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"user '{duplicate.Key}' is listed twice", nameof(Users));
        }
    }
}
