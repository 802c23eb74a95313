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
}
