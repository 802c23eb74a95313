using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;
using Google.Protobuf;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>Builds the packet one peer needs now: new piece metadata, task state and its current parents with their offers.</summary>
internal static class PacketBuilder
{
    public static PeerPacket Build(SchedulingTask task, SchedulingPeer peer)
    {
        var packet = new PeerPacket
        {
            TaskId = task.Id.Value,
            ContentLength = task.ContentLength,
            PieceSize = task.PieceSize,
            PieceCount = task.PieceCount,
            TaskState = task.State,
            SourceStatusCode = task.SourceStatusCode,
            Error = task.Error ?? string.Empty,
            ContentDigest = task.ContentDigest ?? string.Empty,
        };
        for (var k = 0; k < task.KnownSlots; k++)
        {
            if (task.PieceAt(k) is { } piece && peer.MetadataSent.Set(k))
            {
                packet.Pieces.Add(new PieceInfo { Number = piece.Number, Offset = piece.Offset, Size = piece.Size, Digest = piece.Digest.ToString() });
            }
        }
        var bits = Math.Max(task.KnownSlots, Math.Max(task.PieceCount, 0));
        foreach (var parent in peer.Parents)
        {
            packet.Parents.Add(ToParent(parent, parent.Held, bits));
        }
        if (peer.SeedOffers.Count > 0)
        {
            var offers = new Bitfield(bits);
            foreach (var k in peer.SeedOffers)
            {
                offers.Set(k);
            }
            packet.Parents.Add(ToParent(task.Seed, offers, bits));
        }
        return packet;
    }

    private static ParentPeer ToParent(SchedulingPeer parent, Bitfield pieces, int bits) => new()
    {
        PeerId = parent.Id,
        Ip = parent.Host.Ip,
        DownloadPort = parent.Host.DownloadPort,
        Pieces = ByteString.CopyFrom(pieces.ToBytes(bits)),
        IsSeed = parent.IsSeed,
    };
}
