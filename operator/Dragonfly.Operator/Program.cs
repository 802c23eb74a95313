using System.Net;
using Dragonfly.Hosting;
using Dragonfly.Hosting.Metrics;
using Dragonfly.Kubernetes;
using Dragonfly.Operator;
using Dragonfly.Transfer.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;

if (args.Length > 0 && args[0] == "crds")
{
    return CrdCommand.Run(args[1..]);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var (options, problems, warnings) = ComponentConfiguration.Load<OperatorOptions>(builder, args);
ComponentConfiguration.ReportWarnings("operator", warnings);
problems.AddRange(options.Validate());
var tls = TlsCredentials.None;
if (problems.Count == 0 && !TlsCredentials.TryLoad(options.Tls, out tls, out var tlsProblem))
{
    problems.Add(tlsProblem); // fail at start, naming the file, rather than at the first preheat
}
if (problems.Count > 0)
{
    return ComponentConfiguration.ReportInvalid("operator", problems);
}
KubernetesClientConfiguration kubeconfig;
try
{
    kubeconfig = string.IsNullOrEmpty(options.Kubeconfig)
        ? KubernetesClientConfiguration.BuildDefaultConfig()
        : KubernetesClientConfiguration.BuildConfigFromConfigFile(options.Kubeconfig);
}
catch (KubeConfigException e)
{
    Console.Error.WriteLine($"operator: cannot reach Kubernetes: {e.Message}");
    return 2;
}
builder.UseDragonflyLogging("operator");
builder.Services.AddDragonflyOperator(options, kubeconfig);
builder.Services.AddPrometheusExporter();
ListenOptions? health = null;
// With a certificate the health port serves HTTPS, without asking for a client certificate (probes and Prometheus have none).
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.HealthListenIp), options.HealthPort, listen =>
{
    tls.UseServerOnlyOn(listen);
    health = listen;
}));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Text("ok\n"));
app.MapGet("/readyz", () => Results.Text("ok\n"));
app.MapPrometheusMetrics();
await app.StartAsync();
var port = health!.IPEndPoint!.Port;
app.Logger.LogInformation("Operator watching {Scope} on {Server} as {FieldManager}; health on port {Port} ({Scheme})",
    string.IsNullOrEmpty(options.WatchNamespace) ? "all namespaces" : options.WatchNamespace, kubeconfig.Host, options.FieldManager, port, tls.Scheme);
await HostingExtensions.WriteReadyFileAsync(options.ReadyFile, new Dictionary<string, object> { ["pid"] = Environment.ProcessId, ["healthPort"] = port },
    app.Lifetime.ApplicationStopping);
await app.WaitForShutdownAsync();
return Environment.ExitCode; // 1 when leadership was lost (see OperatorService)
