namespace Dragonfly.LocalCluster;

public sealed class LocalClusterOptions
{
    /// <summary>Directory for data, logs and ready files of every component.</summary>
    public required string WorkDir { get; init; }

    public int Peers { get; init; } = 4;

    /// <summary>Directory the origin serves.</summary>
    public required string OriginRoot { get; init; }

    /// <summary>Origin upload cap in bytes per second; 0 is none.</summary>
    public long OriginRateLimit { get; init; }

    /// <summary>When set, the origin serves HTTPS with this certificate.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? OriginCertificate { get; init; }

    public bool StartSupernode { get; init; } = true;

    /// <summary>How many supernode replicas to start (1 to 8); peers get all their addresses.</summary>
    public int Supernodes { get; init; } = 1;

    public IReadOnlyList<string> SupernodeArgs { get; init; } = [];

    /// <summary>Extra component arguments from a space-separated environment variable (a benchmark's SUPERNODE_ARGS, PEER_ARGS); none when unset.</summary>
    public static string[] ArgsFromEnvironment(string name) =>
        (Environment.GetEnvironmentVariable(name) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Extra arguments for every peer daemon.</summary>
    public IReadOnlyList<string> PeerArgs { get; init; } = [];

    /// <summary>Environment variables for every peer daemon's process, beside what this process's environment gives them.</summary>
    public IReadOnlyDictionary<string, string> PeerEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Further arguments for single peers, by index (0 is peer1), after <see cref="PeerArgs"/>: one slow or small host among many.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> PeerArgsByIndex { get; init; } = new Dictionary<int, IReadOnlyList<string>>();

    /// <summary>Supernode address given to peers when <see cref="StartSupernode"/> is false.</summary>
    public string? SupernodeAddress { get; init; }

    /// <summary>Peers started at once; 0 starts all together. Hundreds of peers on two cores start faster in batches.</summary>
    public int PeerStartConcurrency { get; init; }

    /// <summary>Time each component has to become ready.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
