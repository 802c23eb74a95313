using System.Net;

namespace Dragonfly.LocalCluster;

/// <summary>
/// The whole system on one machine: an in-process origin, one supernode and N peer daemons as real
/// processes, each peer on its own loopback address (127.0.0.11, .12, ..., see <see cref="PeerAddresses"/>)
/// as if on its own host.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<PeerHandle> _peers = [];
    private readonly List<ComponentProcess> _supernodes = [];
    private readonly LocalClusterOptions _options;

    private LocalCluster(LocalClusterOptions options, OriginServer origin)
    {
        _options = options;
        Origin = origin;
    }

    public OriginServer Origin { get; }

    /// <summary>The first supernode, when the cluster started any.</summary>
    public ComponentProcess? Supernode => _supernodes.Count > 0 ? _supernodes[0] : null;

    /// <summary>Every supernode, in the order peers are given their addresses.</summary>
    public IReadOnlyList<ComponentProcess> Supernodes => _supernodes;

    /// <summary>Scheduler address of each supernode (<c>ip:port</c>), in the same order.</summary>
    public IReadOnlyList<string> SupernodeAddresses { get; private set; } = [];

    public IReadOnlyList<PeerHandle> Peers => _peers;

    /// <summary>What peers get as <c>--supernodes</c>: every scheduler address, comma-separated.</summary>
    public string SupernodeAddress { get; private set; } = "";

    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.WorkDir);
        var origin = await OriginServer.StartAsync(options.OriginRoot, IPAddress.Parse("127.0.0.2"), options.OriginRateLimit, cancellationToken, options.OriginCertificate);
        var cluster = new LocalCluster(options, origin);
        try
        {
            if (options.StartSupernode)
            {
                // Supernode i listens on 127.0.0.(3 + i): each on its own address, as replicas on their own hosts.
                var supernodes = Enumerable.Range(0, options.Supernodes).Select(i => ComponentProcess.StartAsync(
                    i == 0 ? "supernode" : $"supernode{i + 1}", ComponentBinaries.Supernode,
                    ["--listenIp", $"127.0.0.{3 + i}", "--grpcPort", "0", "--downloadPort", "0", "--metricsPort", "0",
                     "--dataDir", Path.Combine(options.WorkDir, i == 0 ? "supernode-data" : $"supernode{i + 1}-data"), .. options.SupernodeArgs],
                    options.WorkDir, options.StartTimeout, cancellationToken));
                cluster._supernodes.AddRange(await Task.WhenAll(supernodes));
                cluster.SupernodeAddresses = cluster._supernodes.Select((s, i) => $"127.0.0.{3 + i}:{s.Port("grpcPort")}").ToArray();
                cluster.SupernodeAddress = string.Join(",", cluster.SupernodeAddresses);
            }
            else
            {
                cluster.SupernodeAddress = options.SupernodeAddress ?? throw new ArgumentException("SupernodeAddress is required without a supernode");
            }
            await cluster.StartPeersAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts every peer, at most <see cref="LocalClusterOptions.PeerStartConcurrency"/> at a time (0: all at once).</summary>
    private async Task StartPeersAsync(CancellationToken cancellationToken)
    {
        var batch = _options.PeerStartConcurrency > 0 ? _options.PeerStartConcurrency : Math.Max(1, _options.Peers);
        for (var first = 0; first < _options.Peers; first += batch)
        {
            var starting = Enumerable.Range(first, Math.Min(batch, _options.Peers - first)).Select(i => StartPeerAsync(i, [.. _options.PeerArgs, .. _options.PeerArgsByIndex.GetValueOrDefault(i, [])], cancellationToken)).ToList();
            try
            {
                await Task.WhenAll(starting);
            }
            finally
            {
                // Keep every peer that did start, so DisposeAsync stops it even when another failed.
                _peers.AddRange(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result));
            }
        }
    }

    private async Task<PeerHandle> StartPeerAsync(int index, IReadOnlyList<string> extraArgs, CancellationToken cancellationToken)
    {
        var ip = PeerAddresses.Of(index);
        var name = $"peer{index + 1}";
        var process = await ComponentProcess.StartAsync(name, ComponentBinaries.PeerDaemon,
            ["--listenIp", ip, "--grpcPort", "0", "--uploadPort", "0", "--metricsPort", "0", "--mirror:listenIp", ip, "--mirror:port", "0", "--hostId", name, "--supernodes", SupernodeAddress,
             "--dataDir", Path.Combine(_options.WorkDir, name + "-data"), .. extraArgs],
            _options.WorkDir, _options.StartTimeout, cancellationToken, _options.PeerEnvironment);
        return new PeerHandle(index, ip, process);
    }

    /// <summary>Downloads <paramref name="url"/> with the real dfget through <paramref name="peer"/>.</summary>
    public Task<DfgetResult> DfgetAsync(PeerHandle peer, Uri url, string output, IEnumerable<string>? extraArgs = null, CancellationToken cancellationToken = default) =>
        Dfget.RunAsync(peer.ApiAddress, url.ToString(), output, extraArgs ?? [], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers)
        {
            await peer.Process.DisposeAsync();
        }
        foreach (var supernode in _supernodes)
        {
            await supernode.DisposeAsync();
        }
        await Origin.DisposeAsync();
    }
}
