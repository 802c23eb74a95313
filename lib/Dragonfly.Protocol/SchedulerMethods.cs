using Dragonfly.Grpc;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Protocol;

/// <summary>Method descriptors of <c>dragonfly.v1.Scheduler</c>, shared by its server and its client.</summary>
public static class SchedulerMethods
{
    public const string ServiceName = "dragonfly.v1.Scheduler";

    public static readonly Method<RegisterPeerTaskRequest, RegisterPeerTaskResponse> RegisterPeerTask =
        new(MethodType.Unary, ServiceName, nameof(RegisterPeerTask), RegisterPeerTaskRequest.Parser, RegisterPeerTaskResponse.Parser);

    public static readonly Method<PieceReport, PeerPacket> SyncPieces =
        new(MethodType.DuplexStreaming, ServiceName, nameof(SyncPieces), PieceReport.Parser, PeerPacket.Parser);

    public static readonly Method<LeaveTaskRequest, LeaveTaskResponse> LeaveTask =
        new(MethodType.Unary, ServiceName, nameof(LeaveTask), LeaveTaskRequest.Parser, LeaveTaskResponse.Parser);

    public static readonly Method<AnnounceHostRequest, AnnounceHostResponse> AnnounceHost =
        new(MethodType.Unary, ServiceName, nameof(AnnounceHost), AnnounceHostRequest.Parser, AnnounceHostResponse.Parser);

    public static readonly Method<LeaveHostRequest, LeaveHostResponse> LeaveHost =
        new(MethodType.Unary, ServiceName, nameof(LeaveHost), LeaveHostRequest.Parser, LeaveHostResponse.Parser);

    public static readonly Method<PreheatRequest, PreheatResponse> Preheat =
        new(MethodType.Unary, ServiceName, nameof(Preheat), PreheatRequest.Parser, PreheatResponse.Parser);

    public static readonly Method<StatTaskRequest, StatTaskResponse> StatTask =
        new(MethodType.Unary, ServiceName, nameof(StatTask), StatTaskRequest.Parser, StatTaskResponse.Parser);
}
