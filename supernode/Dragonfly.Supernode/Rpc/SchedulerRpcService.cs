using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dragonfly.Supernode.Rpc;

/// <summary>Thin gRPC adapter over <see cref="Scheduler"/>: validates, converts, routes. No scheduling logic here.</summary>
public sealed class SchedulerRpcService(Scheduler scheduler, SupernodeMetrics metrics)
{
    private static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(30);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var service = endpoints.ServiceProvider.GetRequiredService<SchedulerRpcService>();
        endpoints.MapGrpcUnary(SchedulerMethods.RegisterPeerTask, service.RegisterPeerTaskAsync);
        endpoints.MapGrpcDuplexStreaming(SchedulerMethods.SyncPieces, service.SyncPiecesAsync);
        endpoints.MapGrpcUnary(SchedulerMethods.LeaveTask, service.LeaveTaskAsync);
        endpoints.MapGrpcUnary(SchedulerMethods.AnnounceHost, service.AnnounceHostAsync);
        endpoints.MapGrpcUnary(SchedulerMethods.LeaveHost, service.LeaveHostAsync);
        endpoints.MapGrpcUnary(SchedulerMethods.Preheat, service.PreheatAsync);
        endpoints.MapGrpcUnary(SchedulerMethods.StatTask, service.StatTaskAsync);
        endpoints.MapGrpcUnimplemented();
    }

    public Task<RegisterPeerTaskResponse> RegisterPeerTaskAsync(RegisterPeerTaskRequest request, ServerCallContext context)
    {
        metrics.PeerRegistered();
        var (taskId, key) = SchedulerRequestValidator.ValidateContent(request.Url, request.UrlMeta, request.TaskId);
        SchedulerRequestValidator.ValidatePeer(request.PeerId, request.Host);
        var headers = SchedulerRequestValidator.Headers(request.UrlMeta);
        return scheduler.RegisterAsync(taskId, key, headers, request.PeerId, request.Host, context.CancellationToken);
    }

    public async Task SyncPiecesAsync(IAsyncStreamReader<PieceReport> reports, IServerStreamWriter<PeerPacket> packets, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await reports.MoveNext(cancellationToken) || reports.Current.KindCase != PieceReport.KindOneofCase.Start)
        {
            throw SchedulerRequestValidator.Invalid("the first message on SyncPieces must be `start`");
        }
        var start = reports.Current.Start;
        var taskId = SchedulerRequestValidator.ParseTaskId(start.TaskId);
        SchedulerRequestValidator.ValidateId("peer_id", start.PeerId);
        var outbound = Channel.CreateUnbounded<PeerPacket>(new UnboundedChannelOptions { SingleReader = true });
        var refused = await scheduler.OpenStreamAsync(taskId, start.PeerId, outbound.Writer, cancellationToken);
        if (refused is not null)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, refused));
        }
        var sending = SendPacketsAsync(outbound.Reader, packets, cancellationToken);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var receiving = ReceiveReportsAsync(taskId, start.PeerId, reports, stopReading.Token);
        try
        {
            // The scheduler ends a peer's stream by completing its outbound channel (the task is attempted anew,
            // its content was evicted, the peer was removed). The call must end then too: a peer with nothing
            // left to report would otherwise wait on a stream nobody writes to until its stall timeout.
            if (await Task.WhenAny(receiving, sending) == sending)
            {
                await stopReading.CancelAsync();
            }
            await receiving;
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Stopped reading because the scheduler closed the stream.
        }
        finally
        {
            scheduler.CloseStream(taskId, start.PeerId, outbound.Writer);
            outbound.Writer.TryComplete();
        }
        await sending;
    }

    private async Task ReceiveReportsAsync(TaskId taskId, string peerId, IAsyncStreamReader<PieceReport> reports, CancellationToken cancellationToken)
    {
        while (await reports.MoveNext(cancellationToken))
        {
            var report = reports.Current;
            switch (report.KindCase)
            {
                case PieceReport.KindOneofCase.Piece when report.Piece.Number < 0:
                    throw SchedulerRequestValidator.Invalid($"piece number {report.Piece.Number} is negative");
                case PieceReport.KindOneofCase.Piece:
                    scheduler.ReportPiece(taskId, peerId, report.Piece);
                    break;
                case PieceReport.KindOneofCase.Result:
                    scheduler.ReportResult(taskId, peerId, report.Result);
                    break;
                default:
                    throw SchedulerRequestValidator.Invalid($"unexpected {report.KindCase} after `start` on SyncPieces");
            }
        }
    }

    /// <summary>Writes packets as they come; several queued packets go out as one (their piece lists joined).</summary>
    private static async Task SendPacketsAsync(ChannelReader<PeerPacket> outbound, IServerStreamWriter<PeerPacket> packets, CancellationToken cancellationToken)
    {
        while (await outbound.WaitToReadAsync(cancellationToken))
        {
            PeerPacket? last = null;
            List<PieceInfo>? earlier = null;
            while (outbound.TryRead(out var packet))
            {
                if (last is { Pieces.Count: > 0 })
                {
                    (earlier ??= []).AddRange(last.Pieces);
                }
                last = packet;
            }
            if (last is null)
            {
                continue;
            }
            if (earlier is not null)
            {
                // The scheduler keeps each packet it sent to compare the next one with: join into one copy.
                var joined = last.Clone();
                joined.Pieces.Clear();
                joined.Pieces.Add(earlier);
                joined.Pieces.Add(last.Pieces);
                last = joined;
            }
            await packets.WriteAsync(last, cancellationToken);
        }
    }

    public Task<LeaveTaskResponse> LeaveTaskAsync(LeaveTaskRequest request, ServerCallContext context)
    {
        var taskId = SchedulerRequestValidator.ParseTaskId(request.TaskId);
        SchedulerRequestValidator.ValidateId("peer_id", request.PeerId);
        scheduler.LeaveTask(taskId, request.PeerId);
        return Task.FromResult(new LeaveTaskResponse());
    }

    public Task<AnnounceHostResponse> AnnounceHostAsync(AnnounceHostRequest request, ServerCallContext context)
    {
        SchedulerRequestValidator.ValidateId("host.id", request.Host?.Id ?? string.Empty);
        return Task.FromResult(new AnnounceHostResponse { IntervalSeconds = (int)AnnounceInterval.TotalSeconds });
    }

    public Task<LeaveHostResponse> LeaveHostAsync(LeaveHostRequest request, ServerCallContext context)
    {
        SchedulerRequestValidator.ValidateId("host_id", request.HostId);
        scheduler.LeaveHost(request.HostId);
        return Task.FromResult(new LeaveHostResponse());
    }

    public Task<PreheatResponse> PreheatAsync(PreheatRequest request, ServerCallContext context)
    {
        var (taskId, key) = SchedulerRequestValidator.ValidateContent(request.Url, request.UrlMeta, null);
        var headers = SchedulerRequestValidator.Headers(request.UrlMeta);
        return scheduler.PreheatAsync(taskId, key, headers, context.CancellationToken);
    }

    public async Task<StatTaskResponse> StatTaskAsync(StatTaskRequest request, ServerCallContext context)
    {
        var taskId = SchedulerRequestValidator.ParseTaskId(request.TaskId);
        return await scheduler.StatAsync(taskId, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"task {taskId} is not known to this supernode"));
    }
}
