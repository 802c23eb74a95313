namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>How to run one kube-apiserver with its own etcd on loopback.</summary>
public sealed class KubeApiServerOptions
{
    /// <summary>
    /// Holds certificates, token file, logs and etcd's data. Null: a fresh temporary directory, deleted on
    /// dispose (kept when the start fails, for the logs the exception names).
    /// </summary>
    public string? WorkDir { get; init; }

    /// <summary>Bearer tokens accepted besides the built-in <c>admin</c> (system:masters) and <c>limited</c> (no groups).</summary>
    public IReadOnlyList<KubeStaticToken> Tokens { get; init; } = [];

    /// <summary>Appended to kube-apiserver's own flags; a flag given again here wins (the last value counts).</summary>
    public IReadOnlyList<string> ExtraArgs { get; init; } = [];

    /// <summary>Until etcd is healthy and then until <c>/readyz</c> answers 200; each wait gets the whole timeout.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(90);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StartTimeout, TimeSpan.Zero);
        var reserved = new[] { KubeApiServer.AdminUser, KubeApiServer.LimitedUser };
        if (Tokens.FirstOrDefault(t => reserved.Contains(t.User)) is { } clash)
        {
            throw new ArgumentException($"the user '{clash.User}' is built in; give extra tokens other user names");
        }
    }
}
