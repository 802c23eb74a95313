using Dragonfly.Hosting;
using Dragonfly.Core;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Dragonfly.Grpc;
using Dragonfly.Hosting.Metrics;
using Dragonfly.Supernode.Rpc;
using Dragonfly.Supernode.Scheduling;
using Dragonfly.Supernode.Seeding;
using Dragonfly.Transfer;
using Dragonfly.Transfer.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Supernode;

public static class SupernodeServiceCollectionExtensions
{
    public static IServiceCollection AddSupernode(this IServiceCollection services, SupernodeOptions options, TlsCredentials? tls = null)
    {
        services.AddSingleton(options);
        tls ??= TlsCredentials.None;
        services.AddSingleton(tls);
        services.AddSingleton(options.Scheduler);
        services.AddSingleton<SupernodeMetrics>();
        services.AddPrometheusExporter();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new ContentStore(
            options.Cache.ToStoreOptions(options.DataDir), sp.GetRequiredService<ILogger<ContentStore>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddCacheJanitor(options.Cache.GcInterval);
        services.AddSingleton(new SeedRateLimits(
            new ByteRateLimiter(ByteSize.Parse(options.BackToSourceRateLimit)),
            new ByteRateLimiter(ByteSize.Parse(options.UploadRateLimit))));
        services.AddSingleton(sp => new CdnSeed(
            options,
            sp.GetRequiredService<ContentStore>(),
            SourceRequests.CreateClient(tls.ForSources()),
            sp.GetRequiredService<SeedRateLimits>(),
            sp.GetRequiredService<SupernodeMetrics>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CdnSeed>>()));
        services.AddSingleton<ISeed>(sp => sp.GetRequiredService<CdnSeed>());
        services.AddSingleton<HostHealth>();
        services.AddSingleton<IParentEvaluator, DefaultParentEvaluator>();
        services.AddSingleton<Scheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        services.AddSingleton<SchedulerRpcService>();
        services.AddGrpcWire();
        return services;
    }
}
