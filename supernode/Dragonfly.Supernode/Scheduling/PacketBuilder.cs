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

    /// <summary>
    /// Whether <paramref name="next"/> tells the peer anything <paramref name="last"/> did not. A parent's offer
    /// grows with every piece it receives; a piece the peer already holds changes nothing for it, so that
    /// alone is no reason to send (at 100 peers it was most of the packets: each of four parents announced
    /// every piece). The packet that does go out carries the parents' whole current offers.
    /// </summary>
    public static bool Informs(PeerPacket next, PeerPacket? last, Bitfield held)
    {
        if (last is null || next.Parents.Count != last.Parents.Count)
        {
            return true;
        }
        // Compare the packet as the peer would see it: a peer parent's offer counts as unchanged unless it adds a
        // piece the peer lacks. Every other field (the seed's offers, which are grants, included) must be equal.
        var seen = next.Clone();
        for (var i = 0; i < seen.Parents.Count; i++)
        {
            var (now, before) = (seen.Parents[i], last.Parents[i]);
            if (!now.IsSeed && now.PeerId == before.PeerId && !held.LacksAnyAdded(now.Pieces.Span, before.Pieces.Span))
            {
                now.Pieces = before.Pieces;
            }
        }
        return !seen.Equals(last);
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
