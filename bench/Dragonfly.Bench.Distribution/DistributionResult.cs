namespace Dragonfly.Bench.Distribution;

/// <summary>What one experiment (one N) measured, beside the bound computed for its parameters.</summary>
public sealed record DistributionResult(
    int Peers,
    DistributionOptions Options,
    int PieceSize,
    string Storage,
    LowerBound Bound,
    CompletionSummary P2P,
    int Failed,
    int WentToSource,
    double OriginCopies,
    double SeedCopies,
    double FromPeersShare,
    double MachineBusy,
    double SupernodeCpuSeconds,
    double PeersCpuSeconds,
    double IdlePeersCores,
    BaselineResult? Baseline)
{
    public double P50Ratio => P2P.P50 / Bound.Seconds;

    public double P99Ratio => P2P.P99 / Bound.Seconds;

    public long PieceCount => (Options.FileSize + PieceSize - 1) / PieceSize;
}
