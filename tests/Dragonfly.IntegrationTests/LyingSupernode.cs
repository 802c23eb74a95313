using System.Net;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Dragonfly.Transfer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests;

/// <summary>
/// A supernode that describes a task's pieces as a test scripts them, speaking the real protocol: it accepts every
/// registration, sends one packet with the scripted pieces and itself as the seed holding all of them, and serves,
/// for a piece's range, the bytes the script gave that piece (so a lie can be made to pass the SHA-256 chain). It
/// counts the piece requests it gets.
/// </summary>
internal sealed class LyingSupernode : IAsyncDisposable
{
    public const string Ip = "127.0.0.67";

    private readonly WebApplication _app;
    private readonly long _contentLength;
    private readonly int _pieceSize;
    private readonly IReadOnlyList<(PieceInfo Info, byte[] Bytes)> _pieces;
    private ListenOptions? _grpcListen;
    private ListenOptions? _downloadListen;
    private int _pieceRequests;

    private LyingSupernode(WebApplication app, long contentLength, int pieceSize, IReadOnlyList<(PieceInfo, byte[])> pieces)
    {
        _app = app;
        _contentLength = contentLength;
        _pieceSize = pieceSize;
        _pieces = pieces;
    }

    /// <summary>host:port of the gRPC endpoint, for the peers' <c>--supernodes</c>.</summary>
    public string Address => $"{Ip}:{_grpcListen!.IPEndPoint!.Port}";

    public int PieceRequests => Volatile.Read(ref _pieceRequests);

    /// <param name="pieces">Each piece's description and the bytes served for its range.</param>
    public static async Task<LyingSupernode> StartAsync(long contentLength, int pieceSize, IReadOnlyList<(PieceInfo Info, byte[] Bytes)> pieces)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpcWire();
        ListenOptions? grpcListen = null, downloadListen = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Parse(Ip), 0, listen => { listen.Protocols = HttpProtocols.Http2; grpcListen = listen; });
            k.Listen(IPAddress.Parse(Ip), 0, listen => { listen.Protocols = HttpProtocols.Http1; downloadListen = listen; });
        });
        var app = builder.Build();
        var liar = new LyingSupernode(app, contentLength, pieceSize, pieces);
        app.MapGrpcUnary(SchedulerMethods.RegisterPeerTask, (RegisterPeerTaskRequest request, ServerCallContext _) => Task.FromResult(new RegisterPeerTaskResponse
        {
            TaskId = request.TaskId,
            State = TaskState.Running,
            ContentLength = contentLength,
            PieceSize = pieceSize,
        }));
        app.MapGrpcDuplexStreaming(SchedulerMethods.SyncPieces, (IAsyncStreamReader<PieceReport> reports, IServerStreamWriter<PeerPacket> packets, ServerCallContext context) =>
            liar.SyncAsync(reports, packets, context.CancellationToken));
        app.MapGrpcUnary(SchedulerMethods.AnnounceHost, (AnnounceHostRequest _, ServerCallContext _) => Task.FromResult(new AnnounceHostResponse { IntervalSeconds = 60 }));
        app.MapGrpcUnary(SchedulerMethods.LeaveHost, (LeaveHostRequest _, ServerCallContext _) => Task.FromResult(new LeaveHostResponse()));
        app.MapGrpcUnary(SchedulerMethods.LeaveTask, (LeaveTaskRequest _, ServerCallContext _) => Task.FromResult(new LeaveTaskResponse()));
        app.MapGrpcUnimplemented();
        app.MapGet(PieceServerEndpoints.RoutePrefix + "{taskId}", liar.ServePieceAsync);
        await app.StartAsync();
        (liar._grpcListen, liar._downloadListen) = (grpcListen, downloadListen);
        return liar;
    }

    private async Task SyncAsync(IAsyncStreamReader<PieceReport> reports, IServerStreamWriter<PeerPacket> packets, CancellationToken cancellationToken)
    {
        if (!await reports.MoveNext(cancellationToken))
        {
            return;
        }
        var all = new Bitfield(_pieces.Count);
        foreach (var (info, _) in _pieces)
        {
            all.Set(info.Number);
        }
        var packet = new PeerPacket
        {
            TaskId = reports.Current.Start.TaskId,
            ContentLength = _contentLength,
            PieceSize = _pieceSize,
            PieceCount = new PieceLayout(_contentLength, _pieceSize).PieceCount,
            TaskState = TaskState.Running,
            Parents = { new ParentPeer { PeerId = "liar-seed", Ip = Ip, DownloadPort = _downloadListen!.IPEndPoint!.Port, IsSeed = true, Pieces = Google.Protobuf.ByteString.CopyFrom(all.ToBytes(_pieces.Count)) } },
        };
        packet.Pieces.AddRange(_pieces.Select(p => p.Info));
        await packets.WriteAsync(packet, cancellationToken);
        // Take the peer's reports until it leaves.
        while (await reports.MoveNext(cancellationToken))
        {
        }
    }

    private async Task ServePieceAsync(HttpContext context)
    {
        Interlocked.Increment(ref _pieceRequests);
        if (!ByteRange.TryParse(context.Request.Headers.Range.ToString(), out var range)
            || _pieces.FirstOrDefault(p => p.Info.Offset == range.Value.First).Bytes is not { } bytes)
        {
            context.Response.StatusCode = 416;
            return;
        }
        context.Response.StatusCode = 206;
        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
