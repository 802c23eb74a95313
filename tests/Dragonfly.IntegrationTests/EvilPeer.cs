using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests;

/// <summary>
/// A lying peer speaking the real protocol: it registers, claims every piece the moment the seed announces
/// it, and serves random bytes for every range it is asked for. It counts who asked.
/// </summary>
internal sealed class EvilPeer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly CancellationTokenSource _stop = new();
    private Task _claiming = Task.CompletedTask;

    private EvilPeer(WebApplication app, GrpcChannel channel)
    {
        _app = app;
        _channel = channel;
    }

    public const string Ip = "127.0.0.66";

    public ConcurrentDictionary<string, int> RequestsByClientIp { get; } = new();

    public int PiecesClaimed;

    public static async Task<EvilPeer> StartAsync(string supernodeAddress)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Parse(Ip), 0));
        var app = builder.Build();
        var evil = new EvilPeer(app, GrpcChannel.ForAddress(new Uri("http://" + supernodeAddress)));
        app.MapGet("/download/{taskId}", async (HttpContext context) =>
        {
            evil.RequestsByClientIp.AddOrUpdate(context.Connection.RemoteIpAddress!.ToString(), 1, (_, n) => n + 1);
            if (!ByteRange.TryParse(context.Request.Headers.Range.ToString(), out var range))
            {
                context.Response.StatusCode = 400;
                return;
            }
            context.Response.StatusCode = 206;
            context.Response.ContentLength = range.Value.Length;
            await context.Response.Body.WriteAsync(RandomNumberGenerator.GetBytes((int)range.Value.Length));
        });
        await app.StartAsync();
        return evil;
    }

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>Registers for <paramref name="url"/> and starts claiming pieces; returns once registered.</summary>
    public async Task JoinAsync(string url)
    {
        var client = new SchedulerClient(_channel);
        var key = new ContentKey(url);
        var peerId = "evil-peer";
        await client.RegisterPeerTaskAsync(new RegisterPeerTaskRequest
        {
            Url = url,
            UrlMeta = new UrlMeta(),
            TaskId = key.ToTaskId().Value,
            PeerId = peerId,
            Host = new HostInfo { Id = "evil-host", Ip = Ip, DownloadPort = Port, Hostname = "evil" },
        });
        var call = client.SyncPieces(new CallOptions(CancellationToken: _stop.Token));
        await call.RequestStream.WriteAsync(new PieceReport { Start = new SyncStart { TaskId = key.ToTaskId().Value, PeerId = peerId } });
        _claiming = ClaimAsync(call);
    }

    private async Task ClaimAsync(AsyncDuplexStreamingCall<PieceReport, PeerPacket> call)
    {
        try
        {
            await foreach (var packet in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                foreach (var piece in packet.Pieces)
                {
                    await call.RequestStream.WriteAsync(new PieceReport { Piece = new PieceResult { Number = piece.Number, ParentId = "nowhere", Success = true, CostMicros = 1 } });
                    Interlocked.Increment(ref PiecesClaimed);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || (e is RpcException && _stop.IsCancellationRequested))
        {
            // Stopped by the test.
        }
        finally
        {
            call.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _claiming;
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
