namespace Dragonfly.LocalCluster.Registry;

/// <summary>How to run one <c>docker-registry</c> (distribution 2.8) instance.</summary>
public sealed class DockerRegistryOptions
{
    /// <summary>Holds config.yml, registry.log, the htpasswd file and the storage under <c>data/</c>.</summary>
    public required string WorkDir { get; init; }

    public string ListenIp { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>When set, every request needs these Basic credentials (auth.htpasswd).</summary>
    public HtpasswdCredentials? Basic { get; init; }

    /// <summary>When set, every request needs a bearer token (auth.token). Exclusive with <see cref="Basic"/>.</summary>
    public TokenAuthConfig? Token { get; init; }

    /// <summary>storage.delete.enabled: allows DELETE of manifests and blobs.</summary>
    public bool DeleteEnabled { get; init; } = true;

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(WorkDir);
        ArgumentException.ThrowIfNullOrWhiteSpace(ListenIp);
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        if (Basic is not null && Token is not null)
        {
            throw new ArgumentException("the registry takes one access controller: set Basic or Token, not both");
        }
    }
}
