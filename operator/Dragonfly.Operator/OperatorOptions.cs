using Dragonfly.Operator.Runtime.Leadership;

namespace Dragonfly.Operator;

/// <summary>Every operator setting (config file, DRAGONFLY_ environment variables, flags; same keys as the chart's values).</summary>
public sealed class OperatorOptions
{
    /// <summary>kubeconfig file; empty uses the pod's service account, else $KUBECONFIG or ~/.kube/config.</summary>
    public string Kubeconfig { get; set; } = "";

    /// <summary>Namespace to watch; empty watches all namespaces.</summary>
    public string WatchNamespace { get; set; } = "";

    /// <summary>Name this operator writes as (server-side apply field manager, Events).</summary>
    public string FieldManager { get; set; } = "dragonfly-operator";

    public int Workers { get; set; } = 2;

    /// <summary>Address of the health endpoints (/healthz, /readyz).</summary>
    public string HealthListenIp { get; set; } = "0.0.0.0";

    /// <summary>Port of the health endpoints; 0 picks a free port.</summary>
    public int HealthPort { get; set; } = 8081;

    /// <summary>When set, a JSON file with the pid and bound port is written here once running.</summary>
    public string ReadyFile { get; set; } = "";

    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>
    /// Scheduler addresses (http://host:port) to use for every Supernode instead of the in-cluster pod names, for an
    /// operator running outside the cluster (tests, port-forwards). Empty uses each Supernode's status.endpoints.
    /// </summary>
    public List<string> SupernodeEndpointOverride { get; set; } = [];

    /// <summary>How often a running PreheatTask's progress is polled from the supernodes.</summary>
    public TimeSpan PreheatPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Failed attempts to resolve images or reach a supernode before a PreheatTask fails (backoff from 1 s doubling to 5 min: 10 attempts span about 11 minutes).</summary>
    public int PreheatMaxAttempts { get; set; } = 10;

    /// <summary>
    /// TLS towards supernodes that serve it: <c>tls:caFile</c> to trust them, and <c>tls:certFile</c>/<c>tls:keyFile</c>
    /// to present for mutual TLS (the chart mounts the Supernode's Secret).
    /// </summary>
    public Dragonfly.Transfer.Tls.TlsOptions Tls { get; set; } = new();

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!System.Net.IPAddress.TryParse(HealthListenIp, out _)) problems.Add($"healthListenIp '{HealthListenIp}' is not an IP address");
        if (HealthPort is < 0 or > 65535) problems.Add($"healthPort {HealthPort} is not a port (0-65535)");
        if (Workers is < 1 or > 64) problems.Add($"workers {Workers} must be between 1 and 64");
        if (string.IsNullOrWhiteSpace(FieldManager)) problems.Add("fieldManager is empty");
        if (PreheatPollInterval <= TimeSpan.Zero) problems.Add($"preheatPollInterval {PreheatPollInterval} must be positive");
        if (PreheatMaxAttempts < 1) problems.Add($"preheatMaxAttempts {PreheatMaxAttempts} must be at least 1");
        foreach (var endpoint in SupernodeEndpointOverride)
        {
            if (!Core.HttpUrl.TryParse(endpoint, out _))
            {
                problems.Add($"supernodeEndpointOverride '{endpoint}' is not an http(s)://host:port URL");
            }
        }
        problems.AddRange(Tls.Validate().Where(p => !p.StartsWith("tls:clientAuth", StringComparison.Ordinal)));
        if (LeaderElection.RenewDeadline >= LeaderElection.LeaseDuration) problems.Add("leaderElection:renewDeadline must be shorter than leaderElection:leaseDuration");
        return problems;
    }
}
