using System.Net;
using Dragonfly.Core.Storage;
using Dragonfly.Hosting;
using Dragonfly.Hosting.Metrics;
using Dragonfly.PeerDaemon;
using Dragonfly.PeerDaemon.Containerd;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.PeerDaemon.Mirror;
using Dragonfly.PeerDaemon.Rpc;
using Dragonfly.PeerDaemon.Scheduling;
using Dragonfly.Transfer;
using Dragonfly.Transfer.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

if (args.Length > 0 && args[0] == "containerd-hosts")
{
    return ContainerdHostsCommand.Run(args[1..], Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var (options, problems, warnings) = ComponentConfiguration.Load<PeerDaemonOptions>(builder, args);
ComponentConfiguration.ReportWarnings("peer-daemon", warnings);
problems.AddRange(options.Validate());
var tls = TlsCredentials.None;
if (problems.Count == 0 && !TlsCredentials.TryLoad(options.Tls, out tls, out var tlsProblem))
{
    problems.Add(tlsProblem);
}
if (problems.Count > 0)
{
    return ComponentConfiguration.ReportInvalid("peer-daemon", problems);
}
builder.UseDragonflyLogging("peer-daemon");
builder.Services.AddPeerDaemon(options, tls);

ListenOptions? apiListen = null;
ListenOptions? uploadListen = null;
ListenOptions? mirrorListen = null;
ListenOptions? monitoringListen = null;
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Parse(options.LocalApiIp), options.GrpcPort, listen => { listen.Protocols = HttpProtocols.Http2; apiListen = listen; });
    kestrel.Listen(options.ListenAddress, options.UploadPort, listen => { listen.Protocols = HttpProtocols.Http1; tls.UseOn(listen); uploadListen = listen; });
    kestrel.Listen(options.ListenAddress, options.MetricsPort, listen =>
    {
        listen.Protocols = HttpProtocols.Http1;
        tls.UseServerOnlyOn(listen);
        monitoringListen = listen.WithRole(ListenerRoles.Monitoring);
    });
    if (options.Mirror.Enabled)
    {
        kestrel.Listen(IPAddress.Parse(options.Mirror.ListenIp), options.Mirror.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            if (options.Mirror.Tls)
            {
                tls.UseServerOnlyOn(listen);
            }
            mirrorListen = listen.WithRole(ListenerRoles.Mirror);
        });
    }
    kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
});

var app = builder.Build();
var store = app.Services.GetRequiredService<ContentStore>();
var discarded = store.DiscardPartial();
var metrics = app.Services.GetRequiredService<PeerDaemonMetrics>();
metrics.ObserveCache(store);
metrics.ObserveSupernodes(app.Services.GetRequiredService<SupernodeSelector>());
var limits = app.Services.GetRequiredService<HostRateLimits>();
if (options.Mirror.Enabled)
{
    var mirror = app.Services.GetRequiredService<RegistryMirror>();
    var proxy = app.Services.GetRequiredService<FileProxy>();
    app.MapWhen(
        context => context.ListenerRole() == ListenerRoles.Mirror,
        branch => branch.Run(context => FileProxy.IsProxyRequest(context) ? proxy.HandleAsync(context) : mirror.HandleAsync(context)));
}
DaemonRpcService.Map(app);
app.MapPieceDownload(id => store.TryGet(id), limits.Upload, metrics.Uploaded);
app.MapMonitoring(store.NotReadyReason);

await app.StartAsync();
var host = app.Services.GetRequiredService<HostIdentity>();
var apiPort = apiListen!.IPEndPoint!.Port;
var uploadPort = uploadListen!.IPEndPoint!.Port;
var metricsPort = monitoringListen!.IPEndPoint!.Port;
var mirrorPort = mirrorListen?.IPEndPoint?.Port ?? -1;
host.Bind(uploadPort);
app.Logger.LogInformation(
    "Peer daemon {HostId} listening: local API {ApiIp}:{ApiPort}, pieces {ListenIp}:{UploadPort}, metrics {ListenIp}:{MetricsPort}, mirror {MirrorScheme}://{MirrorIp}:{MirrorPort}, TLS {Tls}, supernodes {Supernodes}, data {DataDir} ({Discarded} partial tasks discarded)",
    host.Id, options.LocalApiIp, apiPort, options.ListenIp, uploadPort, options.ListenIp, metricsPort, options.Mirror.Tls ? "https" : "http", options.Mirror.ListenIp, mirrorPort,
    tls.Describe(), options.Supernodes, store.RootDirectory, discarded);
await HostingExtensions.WriteReadyFileAsync(options.ReadyFile, new Dictionary<string, object>
{
    ["pid"] = Environment.ProcessId,
    ["grpcPort"] = apiPort,
    ["uploadPort"] = uploadPort,
    ["mirrorPort"] = mirrorPort,
    ["metricsPort"] = metricsPort,
    ["hostId"] = host.Id,
}, app.Lifetime.ApplicationStopping);
await app.WaitForShutdownAsync();
await app.Services.GetRequiredService<PeerTaskManager>().DisposeAsync();
return 0;
