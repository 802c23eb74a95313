namespace Dragonfly.Bench.Distribution;

/// <summary>How one peer's download ended: seconds from the common start, and where its bytes came from.</summary>
public sealed record PeerCompletion(string Peer, double Seconds, string? Error, long FromSource, long FromSeed, long FromPeers)
{
    public bool Succeeded => Error is null;
}
