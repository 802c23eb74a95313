using System.Net;
using Dragonfly.Core;
using Dragonfly.Core.Storage;
using Dragonfly.Transfer.Tls;
using Dragonfly.Supernode.Scheduling;

namespace Dragonfly.Supernode;

/// <summary>
/// Every supernode setting. Keys are the same in the config file, environment (<c>DRAGONFLY_</c> prefix,
/// <c>__</c> for nesting), command line (<c>--grpcPort 8002</c>) and the Helm chart's values.
/// </summary>
public sealed class SupernodeOptions
{
    /// <summary>Address the ports listen on.</summary>
    public string ListenIp { get; set; } = "0.0.0.0";

    /// <summary>Address peers use to reach this supernode; defaults to <see cref="ListenIp"/>, or 127.0.0.1 when that is a wildcard.</summary>
    public string AdvertiseIp { get; set; } = "";

    /// <summary>Port of the scheduler's gRPC API (HTTP/2 cleartext). 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 8002;

    /// <summary>Port of the HTTP piece server peers download seed pieces from. 0 picks a free port.</summary>
    public int DownloadPort { get; set; } = 8001;

    /// <summary>
    /// Port of <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> (nothing else). With TLS it serves TLS but never
    /// asks for a client certificate, so Prometheus and kubelet probes need only the CA. 0 picks a free port.
    /// </summary>
    public int MetricsPort { get; set; } = 8000;

    /// <summary>Directory of the seed's piece cache.</summary>
    public string DataDir { get; set; } = "/var/lib/dragonfly/supernode";

    /// <summary>Identifies this host to peers; defaults to the machine name and advertised address.</summary>
    public string HostId { get; set; } = "";

    /// <summary>Topology label (zone) used for parent affinity.</summary>
    public string Location { get; set; } = "";

    /// <summary>Host-level limit for fetching from sources, e.g. <c>200M</c> bytes/s; 0 is unlimited.</summary>
    public string BackToSourceRateLimit { get; set; } = "0";

    /// <summary>Host-level limit for serving pieces to peers; 0 is unlimited.</summary>
    public string UploadRateLimit { get; set; } = "0";

    /// <summary>The seed's piece cache: quota, watermarks, TTL (off by default: content stays until space is needed).</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>TLS of the ports other hosts connect to, mutual TLS, and extra trust for HTTPS sources.</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>When set, a JSON file with the bound ports is written here once listening.</summary>
    public string ReadyFile { get; set; } = "";

    public SchedulerOptions Scheduler { get; set; } = new();

    /// <summary>How content is cut into pieces.</summary>
    public PieceSizeOptions PieceSize { get; set; } = new();

    public IPAddress ListenAddress => IPAddress.Parse(ListenIp);

    public string EffectiveAdvertiseIp =>
        !string.IsNullOrEmpty(AdvertiseIp) ? AdvertiseIp
        : ListenAddress.Equals(IPAddress.Any) || ListenAddress.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : ListenIp;

    public string EffectiveHostId =>
        !string.IsNullOrEmpty(HostId) ? HostId : $"supernode-{Environment.MachineName}-{EffectiveAdvertiseIp}";

    /// <summary>Returns every problem found, each naming its key; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!IPAddress.TryParse(ListenIp, out _)) problems.Add($"listenIp '{ListenIp}' is not an IP address");
        if (!string.IsNullOrEmpty(AdvertiseIp) && !IPAddress.TryParse(AdvertiseIp, out _)) problems.Add($"advertiseIp '{AdvertiseIp}' is not an IP address");
        if (GrpcPort is < 0 or > 65535) problems.Add($"grpcPort {GrpcPort} is not a port (0-65535)");
        if (DownloadPort is < 0 or > 65535) problems.Add($"downloadPort {DownloadPort} is not a port (0-65535)");
        if (MetricsPort is < 0 or > 65535) problems.Add($"metricsPort {MetricsPort} is not a port (0-65535)");
        if (new[] { GrpcPort, DownloadPort, MetricsPort }.Where(p => p != 0).GroupBy(p => p).Any(g => g.Count() > 1))
        {
            problems.Add($"grpcPort ({GrpcPort}), downloadPort ({DownloadPort}) and metricsPort ({MetricsPort}) must differ");
        }
        if (string.IsNullOrWhiteSpace(DataDir)) problems.Add("dataDir is empty");
        foreach (var (key, value) in new[] { ("backToSourceRateLimit", BackToSourceRateLimit), ("uploadRateLimit", UploadRateLimit) })
        {
            if (!ByteSize.TryParse(value, out _)) problems.Add($"{key} '{value}' is not a size; write e.g. 0, 512K, 100M or 1G");
        }
        problems.AddRange(Cache.Validate());
        problems.AddRange(Tls.Validate());
        if (Scheduler.Validate() is { } schedulerProblem) problems.Add(schedulerProblem);
        if (PieceSize.ToPolicy().Problem is { } pieceProblem) problems.Add(pieceProblem);
        return problems;
    }
}
