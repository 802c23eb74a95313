using Microsoft.AspNetCore.Server.Kestrel.Core;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>A real Kestrel on 127.0.0.1, port chosen by the OS, serving <see cref="EchoService"/> over h2c.</summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    /// <summary>Request and response messages above this size are refused by the test server.</summary>
    public const int MaxMessageSize = 64 * 1024;

    private static readonly TimeSpan StartStopLimit = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address, EchoProbe probe, CapturingLoggerProvider logs)
    {
        _app = app;
        Address = address;
        Probe = probe;
        Logs = logs;
    }

    public Uri Address { get; }

    public EchoProbe Probe { get; }

    public CapturingLoggerProvider Logs { get; }

    public static async Task<GrpcTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenGrpc(new IPEndPoint(IPAddress.Loopback, 0));
            // Stricter than Kestrel's default (240 B/s after 5 s) so a test shows quickly that calls are exempt.
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 1024, gracePeriod: TimeSpan.FromSeconds(2));
        });
        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddGrpcWire(options =>
        {
            options.MaxReceiveMessageSize = MaxMessageSize;
            options.MaxSendMessageSize = MaxMessageSize;
        });

        var app = builder.Build();
        var probe = new EchoProbe();
        new EchoService(probe).Map(app);
        MapHttpStatusEndpoint(app);
        app.MapGrpcUnimplemented();

        using var startTimeout = new CancellationTokenSource(StartStopLimit);
        await app.StartAsync(startTimeout.Token);
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
        return new GrpcTestServer(app, new Uri(addresses.Addresses.Single()), probe, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Probe.Reset();
        using var stopTimeout = new CancellationTokenSource(StartStopLimit);
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }

    /// <summary><c>POST /test.Http/{code}</c> answers with that HTTP status and no gRPC status, like a proxy would.</summary>
    private static void MapHttpStatusEndpoint(WebApplication app) =>
        app.MapPost("/test.Http/{code:int}", (HttpContext context, int code) =>
        {
            context.Response.StatusCode = code;
            return Task.CompletedTask;
        });
}
