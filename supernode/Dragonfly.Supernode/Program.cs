using Dragonfly.Core.Storage;
using Dragonfly.Hosting;
using Dragonfly.Hosting.Metrics;
using Dragonfly.Supernode;
using Dragonfly.Supernode.Rpc;
using Dragonfly.Supernode.Scheduling;
using Dragonfly.Supernode.Seeding;
using Dragonfly.Transfer;
using Dragonfly.Transfer.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var (options, problems, warnings) = ComponentConfiguration.Load<SupernodeOptions>(builder, args);
ComponentConfiguration.ReportWarnings("supernode", warnings);
problems.AddRange(options.Validate());
var tls = TlsCredentials.None;
if (problems.Count == 0 && !TlsCredentials.TryLoad(options.Tls, out tls, out var tlsProblem))
{
    problems.Add(tlsProblem);
}
if (problems.Count > 0)
{
    return ComponentConfiguration.ReportInvalid("supernode", problems);
}
builder.UseDragonflyLogging("supernode");
builder.Services.AddSupernode(options, tls);

ListenOptions? grpcListen = null;
ListenOptions? downloadListen = null;
ListenOptions? monitoringListen = null;
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(options.ListenAddress, options.GrpcPort, listen => { listen.Protocols = HttpProtocols.Http2; tls.UseOn(listen); grpcListen = listen; });
    kestrel.Listen(options.ListenAddress, options.DownloadPort, listen => { listen.Protocols = HttpProtocols.Http1; tls.UseOn(listen); downloadListen = listen; });
    kestrel.Listen(options.ListenAddress, options.MetricsPort, listen =>
    {
        listen.Protocols = HttpProtocols.Http1;
        tls.UseServerOnlyOn(listen);
        monitoringListen = listen.WithRole(ListenerRoles.Monitoring);
    });
    kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
});

var app = builder.Build();
var store = app.Services.GetRequiredService<ContentStore>();
var discarded = store.DiscardPartial();
var metrics = app.Services.GetRequiredService<SupernodeMetrics>();
metrics.ObserveCache(store);
var scheduler = app.Services.GetRequiredService<Scheduler>();
metrics.ObserveScheduler(scheduler, app.Services.GetRequiredService<HostHealth>());
store.Evicted += (taskId, _) => scheduler.ContentEvicted(taskId);
var limits = app.Services.GetRequiredService<SeedRateLimits>();
SchedulerRpcService.Map(app);
app.MapPieceDownload(id => store.TryGet(id), limits.Upload, metrics.Uploaded);
app.MapMonitoring(store.NotReadyReason);

await app.StartAsync();
var seed = app.Services.GetRequiredService<CdnSeed>();
var grpcPort = grpcListen!.IPEndPoint!.Port;
var downloadPort = downloadListen!.IPEndPoint!.Port;
var metricsPort = monitoringListen!.IPEndPoint!.Port;
seed.Host.DownloadPort = downloadPort;
app.Logger.LogInformation(
    "Supernode {HostId} listening: scheduler gRPC {ListenIp}:{GrpcPort}, pieces {ListenIp}:{DownloadPort}, metrics {ListenIp}:{MetricsPort}, TLS {Tls}, data {DataDir} ({Discarded} partial tasks discarded)",
    seed.Host.Id, options.ListenIp, grpcPort, options.ListenIp, downloadPort, options.ListenIp, metricsPort, tls.Describe(), store.RootDirectory, discarded);
await HostingExtensions.WriteReadyFileAsync(options.ReadyFile, new Dictionary<string, object>
{
    ["pid"] = Environment.ProcessId,
    ["grpcPort"] = grpcPort,
    ["downloadPort"] = downloadPort,
    ["metricsPort"] = metricsPort,
    ["hostId"] = seed.Host.Id,
}, app.Lifetime.ApplicationStopping);
await app.WaitForShutdownAsync();
await seed.DisposeAsync();
return 0;
