using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>One peer of one task as its shard loop sees it. Owned by that loop; never touched elsewhere.</summary>
internal sealed class SchedulingPeer(TaskId taskId, string id, HostInfo host, bool isSeed)
{
    public TaskId TaskId { get; } = taskId;
    public string Id { get; } = id;
    public HostInfo Host { get; set; } = host;
    public bool IsSeed { get; } = isSeed;
    public PeerPhase Phase { get; set; } = isSeed ? PeerPhase.Running : PeerPhase.Registered;

    /// <summary>Pieces this peer holds and serves.</summary>
    public Bitfield Held { get; } = new();

    /// <summary>Where packets for this peer go while its stream is open.</summary>
    public ChannelWriter<PeerPacket>? Outbound { get; set; }

    public List<SchedulingPeer> Parents { get; } = [];

    /// <summary>Peers that currently have this peer as a parent.</summary>
    public HashSet<SchedulingPeer> Children { get; } = [];

    /// <summary>Pieces the seed currently offers to this peer (outstanding seed fetches).</summary>
    public HashSet<int> SeedOffers { get; } = [];

    /// <summary>Piece metadata already sent on the current stream.</summary>
    public Bitfield MetadataSent { get; set; } = new();

    /// <summary>The last packet sent on the current stream: an identical one is not sent again.</summary>
    public Dragonfly.Protocol.V1.PeerPacket? LastSent { get; set; }

    /// <summary>Excluded from being a parent for the rest of the task (sent a corrupt piece).</summary>
    public bool Excluded { get; set; }

    /// <summary>Measured upload throughput as a parent (EWMA), bytes per second.</summary>
    public double Throughput { get; private set; }

    public bool Dirty { get; set; }

    public bool IsDownloading => Phase is PeerPhase.Registered or PeerPhase.Running;

    public void RecordUpload(int bytes, long costMicros)
    {
        if (costMicros <= 0)
        {
            return;
        }
        var sample = bytes * 1_000_000.0 / costMicros;
        Throughput = Throughput == 0 ? sample : 0.7 * Throughput + 0.3 * sample;
    }
}
