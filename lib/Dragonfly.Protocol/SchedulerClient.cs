using Dragonfly.Grpc;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Protocol;

/// <summary>Typed client of one supernode's scheduler.</summary>
public sealed class SchedulerClient(GrpcChannel channel)
{
    public Uri Address => channel.Address;

    public Task<RegisterPeerTaskResponse> RegisterPeerTaskAsync(RegisterPeerTaskRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SchedulerMethods.RegisterPeerTask, request, options);

    public AsyncDuplexStreamingCall<PieceReport, PeerPacket> SyncPieces(CallOptions options = default) =>
        channel.DuplexStreaming(SchedulerMethods.SyncPieces, options);

    public Task<LeaveTaskResponse> LeaveTaskAsync(LeaveTaskRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SchedulerMethods.LeaveTask, request, options);

    public Task<AnnounceHostResponse> AnnounceHostAsync(AnnounceHostRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SchedulerMethods.AnnounceHost, request, options);

    public Task<LeaveHostResponse> LeaveHostAsync(LeaveHostRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SchedulerMethods.LeaveHost, request, options);

    public Task<PreheatResponse> PreheatAsync(PreheatRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SchedulerMethods.Preheat, request, options);

    public Task<StatTaskResponse> StatTaskAsync(StatTaskRequest request, CallOptions options = default) =>
        channel.UnaryAsync(SchedulerMethods.StatTask, request, options);
}
