using System.Globalization;
using Dragonfly.Core;
using Dragonfly.LocalCluster;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// One experiment's parameters, from the environment (the Makefile passes them): PEERS (one count, or a
/// comma-separated list for a sweep), SIZE (F), ORIGIN_RATE (u_s: the origin's upload cap and the seed's),
/// PEER_UPLOAD (u_i) and PEER_DOWNLOAD (d_i) for every peer daemon's host-level limiters, OUT (prefix of the
/// CSV and PNG written), DATA (where peers keep their data), BASELINE_LIMIT and BASELINE_WINDOW (seconds),
/// PIECE_MIN (the supernode's pieceSize:min, 256K here), PER_PARENT (the peers' download:maxPiecesPerParent, 1
/// here), SUPERNODE_ARGS and PEER_ARGS (extra options, space-separated),
/// KEEP_LOGS=1.
/// </summary>
public sealed record DistributionOptions
{
    public required IReadOnlyList<int> PeerCounts { get; init; }
    public long FileSize { get; init; } = 64L << 20;
    public long OriginRate { get; init; } = 512L << 10;
    public long PeerUpload { get; init; } = 1L << 20;
    public long PeerDownload { get; init; } = 2L << 20;
    public string? OutputPrefix { get; init; }
    public string? DataRoot { get; init; }

    /// <summary>The baseline runs to the end only when its model time N·F/u_s is at most this; else for <see cref="BaselineWindow"/>.</summary>
    public TimeSpan BaselineLimit { get; init; } = TimeSpan.FromSeconds(150);

    /// <summary>How long a baseline too slow to finish is measured before its completion times are extrapolated.</summary>
    public TimeSpan BaselineWindow { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The supernode's <c>pieceSize:min</c>. The product default (4M) suits datacenter links; at the 1 MiB/s links
    /// of this benchmark a piece passes a hop in seconds, so smaller pieces pipeline better (bench/README.md).
    /// </summary>
    public string PieceMin { get; init; } = "256K";

    /// <summary>The peers' <c>download:maxPiecesPerParent</c> (product default 2): one per parent shares slow uplinks best.</summary>
    public int PiecesPerParent { get; init; } = 1;
    public IReadOnlyList<string> SupernodeArgs { get; init; } = [];
    public IReadOnlyList<string> PeerArgs { get; init; } = [];

    /// <summary>KEEP_LOGS=1 keeps every component's log after a successful experiment too.</summary>
    public bool KeepLogs { get; init; }

    public static DistributionOptions? FromEnvironment(out string? error)
    {
        error = null;
        try
        {
            var peers = (Env("PEERS") ?? "100").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            var options = new DistributionOptions
            {
                PeerCounts = peers,
                FileSize = Size("SIZE", 64L << 20),
                OriginRate = Size("ORIGIN_RATE", 512L << 10),
                PeerUpload = Size("PEER_UPLOAD", 1L << 20),
                PeerDownload = Size("PEER_DOWNLOAD", 2L << 20),
                OutputPrefix = Env("OUT"),
                DataRoot = Env("DATA"),
                BaselineLimit = TimeSpan.FromSeconds(double.Parse(Env("BASELINE_LIMIT") ?? "150", CultureInfo.InvariantCulture)),
                BaselineWindow = TimeSpan.FromSeconds(double.Parse(Env("BASELINE_WINDOW") ?? "20", CultureInfo.InvariantCulture)),
                PieceMin = Env("PIECE_MIN") ?? "256K",
                PiecesPerParent = int.Parse(Env("PER_PARENT") ?? "1", CultureInfo.InvariantCulture),
                SupernodeArgs = LocalClusterOptions.ArgsFromEnvironment("SUPERNODE_ARGS"),
                PeerArgs = LocalClusterOptions.ArgsFromEnvironment("PEER_ARGS"),
                KeepLogs = Env("KEEP_LOGS") == "1",
            };
            if (peers.Length == 0 || peers.Any(p => p < 1)) error = "PEERS must list peer counts of at least 1 (e.g. PEERS=100 or PEERS=10,25,50)";
            else if (options.FileSize <= 0) error = "SIZE must be positive (e.g. SIZE=64M)";
            else if (options.OriginRate <= 0 || options.PeerUpload <= 0 || options.PeerDownload <= 0) error = "ORIGIN_RATE, PEER_UPLOAD and PEER_DOWNLOAD must be positive rates (e.g. 1M)";
            return error is null ? options : null;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>The bound for <paramref name="peers"/> peers with these caps.</summary>
    public LowerBound BoundFor(int peers) => LowerBound.For(FileSize, peers, OriginRate, PeerUpload, PeerDownload);

    /// <summary>The baseline's model time: N clients share the origin's u_s, each at most d_i.</summary>
    public double BaselineModelSeconds(int peers) => Math.Max((double)peers * FileSize / OriginRate, (double)FileSize / PeerDownload);

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    private static long Size(string name, long fallback) => Env(name) is { } text ? ByteSize.Parse(text) : fallback;
}
