using Dragonfly.Core.Storage;
using Dragonfly.Transfer;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>What every download on this host shares: storage, limits, clients, identity, clock.</summary>
public sealed record DownloadEnvironment(
    DownloadOptions Options,
    ContentStore Store,
    HostRateLimits Limits,
    PieceFetcher Fetcher,
    HttpClient SourceClient,
    HostIdentity Host,
    TimeProvider Time,
    ILoggerFactory LoggerFactory,
    PeerDaemonMetrics Metrics,
    string PieceScheme = "http");
