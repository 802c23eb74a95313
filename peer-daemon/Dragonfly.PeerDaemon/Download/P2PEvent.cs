using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Dragonfly.Transfer;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>What the P2P conductor loop reacts to.</summary>
internal abstract record P2PEvent;

internal sealed record PacketReceived(PeerPacket Packet) : P2PEvent;

internal sealed record PieceDone(Piece Piece, ParentState Parent, PieceFetchResult Result, Exception? WriteError) : P2PEvent;

internal sealed record StreamEnded(string Reason) : P2PEvent;
