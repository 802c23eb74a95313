using Dragonfly.Hosting;
using Dragonfly.Hosting.Metrics;
using System.Net;
using Dragonfly.Core;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Dragonfly.Grpc;
using Dragonfly.Oci;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.PeerDaemon.Mirror;
using Dragonfly.PeerDaemon.Rpc;
using Dragonfly.PeerDaemon.Scheduling;
using Dragonfly.Transfer;
using Dragonfly.Transfer.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon;

public static class PeerDaemonServiceCollectionExtensions
{
    public static IServiceCollection AddPeerDaemon(this IServiceCollection services, PeerDaemonOptions options, TlsCredentials? tls = null)
    {
        services.AddSingleton(options);
        tls ??= TlsCredentials.None;
        services.AddSingleton(tls);
        services.AddSingleton(options.Download);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ContentStore(
            options.Cache.ToStoreOptions(options.DataDir), sp.GetRequiredService<ILogger<ContentStore>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddCacheJanitor(options.Cache.GcInterval);
        services.AddSingleton(sp => new HostRateLimits(
            new ByteRateLimiter(ByteSize.Parse(options.DownloadRateLimit), sp.GetRequiredService<TimeProvider>()),
            new ByteRateLimiter(ByteSize.Parse(options.UploadRateLimit), sp.GetRequiredService<TimeProvider>()),
            new ByteRateLimiter(ByteSize.Parse(options.BackToSourceRateLimit), sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => new SupernodeSelector(options.SupernodeAddresses, sp.GetRequiredService<TimeProvider>(), tls.ForPeers()));
        services.AddSingleton<HostIdentity>();
        services.AddSingleton<PeerDaemonMetrics>();
        services.AddPrometheusExporter();
        services.AddSingleton(sp => new DownloadEnvironment(
            options.Download,
            sp.GetRequiredService<ContentStore>(),
            sp.GetRequiredService<HostRateLimits>(),
            new PieceFetcher(PieceFetcher.CreateHttpClient(PieceFetcher.MaxConnectionsPerParentHost, LocalAddressFor(options), tls.ForPeers()), sp.GetRequiredService<TimeProvider>()),
            SourceRequests.CreateClient(tls.ForSources()),
            sp.GetRequiredService<HostIdentity>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<PeerDaemonMetrics>(),
            tls.Scheme));
        services.AddSingleton<PeerTaskManager>();
        services.AddSingleton<DaemonRpcService>();
        services.AddSingleton(options.Mirror);
        services.AddSingleton<UpstreamResolver>();
        services.AddSingleton(sp => new BearerTokenSource(SourceRequests.CreateClient(tls.ForSources()), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new UpstreamClient(
            SourceRequests.CreateClient(tls.ForSources()), sp.GetRequiredService<BearerTokenSource>(), options.Mirror,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<UpstreamClient>>()));
        services.AddSingleton<BlobAccessGuard>();
        services.AddSingleton<RegistryMirror>();
        services.AddSingleton(sp => new FileProxy(
            options.Mirror, sp.GetRequiredService<PeerTaskManager>(),
            new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(10), SslOptions = tls.ForSources() }) { Timeout = Timeout.InfiniteTimeSpan },
            sp.GetRequiredService<ILogger<FileProxy>>()));
        services.AddHostedService<HostAnnouncer>();
        services.AddGrpcWire();
        return services;
    }

    /// <summary>The address piece requests leave from: the listen address unless it is a wildcard.</summary>
    private static IPAddress? LocalAddressFor(PeerDaemonOptions options) =>
        options.ListenAddress.Equals(IPAddress.Any) || options.ListenAddress.Equals(IPAddress.IPv6Any) ? null : options.ListenAddress;
}
