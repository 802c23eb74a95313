using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>Everything that changes scheduler state arrives at a shard loop as one of these, applied in order.</summary>
internal abstract record SchedulerEvent;

internal sealed record RegisterPeerEvent(
    TaskId TaskId, ContentKey Key, IReadOnlyDictionary<string, string> Headers, string PeerId, HostInfo Host,
    TaskCompletionSource<RegisterPeerTaskResponse> Reply) : SchedulerEvent;

/// <summary>Reply carries null when the stream is bound, else why not.</summary>
internal sealed record OpenStreamEvent(TaskId TaskId, string PeerId, ChannelWriter<PeerPacket> Outbound, TaskCompletionSource<string?> Reply) : SchedulerEvent;

internal sealed record PieceReportEvent(TaskId TaskId, string PeerId, PieceResult Result) : SchedulerEvent;

internal sealed record PeerResultEvent(TaskId TaskId, string PeerId, PeerResult Result) : SchedulerEvent;

internal sealed record CloseStreamEvent(TaskId TaskId, string PeerId, ChannelWriter<PeerPacket> Outbound) : SchedulerEvent;

internal sealed record LeaveTaskEvent(TaskId TaskId, string PeerId) : SchedulerEvent;

internal sealed record LeaveHostEvent(string HostId) : SchedulerEvent;

internal sealed record SeedLayoutEvent(TaskId TaskId, long ContentLength, int PieceSize) : SchedulerEvent;

internal sealed record SeedPieceEvent(TaskId TaskId, Piece Piece) : SchedulerEvent;

internal sealed record SeedCompletedEvent(TaskId TaskId, long ContentLength, string? ContentDigest) : SchedulerEvent;

internal sealed record SeedFailedEvent(TaskId TaskId, int SourceStatusCode, string Error) : SchedulerEvent;

internal sealed record PreheatEvent(TaskId TaskId, ContentKey Key, IReadOnlyDictionary<string, string> Headers, TaskCompletionSource<PreheatResponse> Reply) : SchedulerEvent;

internal sealed record StatTaskEvent(TaskId TaskId, TaskCompletionSource<StatTaskResponse?> Reply) : SchedulerEvent;

/// <summary>The seed's cache evicted the task's content: the next registration fetches it again.</summary>
internal sealed record ContentEvictedEvent(TaskId TaskId) : SchedulerEvent;
