using Dragonfly.Core.Pieces;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>One parent as one download sees it: what it offers, what is in flight from it, how it behaved.</summary>
internal sealed class ParentState(string id, Uri baseAddress, bool isSeed)
{
    public string Id { get; } = id;
    public Uri BaseAddress { get; set; } = baseAddress;
    public bool IsSeed { get; } = isSeed;
    public Bitfield Offers { get; set; } = new();
    public int InFlight { get; set; }
    public int Failures { get; set; }
    /// <summary>Sent a corrupt piece or failed too often: never asked again by this download.</summary>
    public bool Blocked { get; set; }
    /// <summary>Still in the scheduler's latest parent list.</summary>
    public bool Current { get; set; }

    /// <summary>Measured piece throughput (exponentially weighted), bytes per second; 0 until measured.</summary>
    public double Throughput { get; private set; }

    /// <summary>Pieces this download got from the parent.</summary>
    public int Samples { get; private set; }

    public void RecordPiece(int bytes, TimeSpan elapsed)
    {
        var sample = bytes / Math.Max(elapsed.TotalSeconds, 1e-4);
        Throughput = Samples == 0 ? sample : 0.6 * Throughput + 0.4 * sample;
        Samples++;
    }
}
