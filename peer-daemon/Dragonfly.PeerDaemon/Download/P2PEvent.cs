using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Dragonfly.Transfer;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>What the P2P conductor loop reacts to.</summary>
internal abstract record P2PEvent;

/// <summary>An event from one supernode's piece stream; <see cref="Attempt"/> numbers the supernodes a download has tried.</summary>
internal interface IAttemptEvent
{
    int Attempt { get; }
}

internal sealed record PacketReceived(PeerPacket Packet, int Attempt) : P2PEvent, IAttemptEvent;

internal sealed record PieceDone(Piece Piece, ParentState Parent, PieceFetchResult Result, Exception? WriteError) : P2PEvent;

internal sealed record StreamEnded(string Reason, int Attempt) : P2PEvent, IAttemptEvent;
