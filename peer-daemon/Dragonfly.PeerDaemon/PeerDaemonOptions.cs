using System.Net;
using Dragonfly.Core;
using Dragonfly.Core.Storage;
using Dragonfly.Transfer.Tls;

namespace Dragonfly.PeerDaemon;

/// <summary>
/// Every peer daemon setting. Keys are the same in the config file, environment (<c>DRAGONFLY_</c> prefix),
/// command line (<c>--uploadPort 65002</c>) and the Helm chart's values.
/// </summary>
public sealed class PeerDaemonOptions
{
    /// <summary>Address the piece server listens on (other peers connect to it).</summary>
    public string ListenIp { get; set; } = "0.0.0.0";

    /// <summary>Address other peers use to reach this host; defaults to <see cref="ListenIp"/>, or 127.0.0.1 for a wildcard.</summary>
    public string AdvertiseIp { get; set; } = "";

    /// <summary>Port of the local API used by dfget (gRPC, HTTP/2 cleartext), bound to <see cref="LocalApiIp"/>.</summary>
    public int GrpcPort { get; set; } = 65000;

    /// <summary>Address of the local API; loopback by default, since it writes files for its callers.</summary>
    public string LocalApiIp { get; set; } = "127.0.0.1";

    /// <summary>Port of the piece server other peers download from.</summary>
    public int UploadPort { get; set; } = 65002;

    /// <summary>
    /// Port of <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c> (nothing else), on <see cref="ListenIp"/>. With TLS
    /// it serves TLS but never asks for a client certificate, so Prometheus and kubelet probes need only the CA.
    /// </summary>
    public int MetricsPort { get; set; } = 65003;

    /// <summary>Scheduler addresses of the supernodes, <c>host:port</c>, comma-separated.</summary>
    public string Supernodes { get; set; } = "127.0.0.1:8002";

    public string DataDir { get; set; } = "/var/lib/dragonfly/peer";

    public string HostId { get; set; } = "";

    /// <summary>Topology label (zone) used for parent affinity.</summary>
    public string Location { get; set; } = "";

    /// <summary>Host-level limit on all P2P downloads together, bytes/s (<c>100M</c>); 0 is unlimited.</summary>
    public string DownloadRateLimit { get; set; } = "0";

    /// <summary>Host-level limit on serving pieces to other peers; 0 is unlimited.</summary>
    public string UploadRateLimit { get; set; } = "0";

    /// <summary>Host-level limit on fetching from sources directly; 0 is unlimited.</summary>
    public string BackToSourceRateLimit { get; set; } = "0";

    /// <summary>The piece cache: quota, watermarks, and a TTL of 6 hours for content nobody asked for since.</summary>
    public CacheOptions Cache { get; set; } = new() { Ttl = TimeSpan.FromHours(6) };

    /// <summary>TLS of the ports other hosts connect to, mutual TLS, and extra trust for HTTPS sources.</summary>
    public TlsOptions Tls { get; set; } = new();

    public string ReadyFile { get; set; } = "";

    public DownloadOptions Download { get; set; } = new();

    public Mirror.MirrorOptions Mirror { get; set; } = new();

    public IPAddress ListenAddress => IPAddress.Parse(ListenIp);

    public string EffectiveAdvertiseIp =>
        !string.IsNullOrEmpty(AdvertiseIp) ? AdvertiseIp
        : ListenAddress.Equals(IPAddress.Any) || ListenAddress.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : ListenIp;

    public string EffectiveHostId => !string.IsNullOrEmpty(HostId) ? HostId : $"peer-{Environment.MachineName}-{EffectiveAdvertiseIp}";

    public IReadOnlyList<Uri> SupernodeAddresses =>
        Supernodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => new Uri(a.Contains("://", StringComparison.Ordinal) ? a : (Tls.Enabled ? "https://" : "http://") + a))
            .ToArray();

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!IPAddress.TryParse(ListenIp, out _)) problems.Add($"listenIp '{ListenIp}' is not an IP address");
        if (!IPAddress.TryParse(LocalApiIp, out _)) problems.Add($"localApiIp '{LocalApiIp}' is not an IP address");
        if (!string.IsNullOrEmpty(AdvertiseIp) && !IPAddress.TryParse(AdvertiseIp, out _)) problems.Add($"advertiseIp '{AdvertiseIp}' is not an IP address");
        if (GrpcPort is < 0 or > 65535) problems.Add($"grpcPort {GrpcPort} is not a port (0-65535)");
        if (UploadPort is < 0 or > 65535) problems.Add($"uploadPort {UploadPort} is not a port (0-65535)");
        if (MetricsPort is < 0 or > 65535) problems.Add($"metricsPort {MetricsPort} is not a port (0-65535)");
        if (IPAddress.TryParse(LocalApiIp, out var apiAddress) && !IPAddress.IsLoopback(apiAddress))
        {
            problems.Add($"localApiIp '{LocalApiIp}' is not a loopback address: the local API downloads to any path on this node for whoever " +
                "connects and has no authentication, so it must only be reachable from the node itself (use 127.0.0.1)");
        }
        if (Mirror.Tls && !Tls.Enabled)
        {
            problems.Add("mirror:tls needs tls:certFile and tls:keyFile (the mirror serves HTTPS with that certificate)");
        }
        if (string.IsNullOrWhiteSpace(DataDir)) problems.Add("dataDir is empty");
        foreach (var address in Supernodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address;
            if (!HttpUrl.TryParse(text, out var uri) || uri.Port <= 0)
            {
                problems.Add($"supernodes entry '{address}' is not host:port");
            }
        }
        foreach (var (key, value) in new[]
        {
            ("downloadRateLimit", DownloadRateLimit), ("uploadRateLimit", UploadRateLimit),
            ("backToSourceRateLimit", BackToSourceRateLimit),
        })
        {
            if (!ByteSize.TryParse(value, out _)) problems.Add($"{key} '{value}' is not a size; write e.g. 0, 512K, 100M or 1G");
        }
        problems.AddRange(Cache.Validate());
        problems.AddRange(Tls.Validate());
        problems.AddRange(Download.Validate());
        problems.AddRange(Mirror.Validate());
        return problems;
    }
}
