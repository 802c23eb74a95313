namespace Dragonfly.LocalCluster;

/// <summary>What one dfget run did: its exit code, its messages, and (on success) its JSON summary.</summary>
public sealed record DfgetResult(int ExitCode, string StandardError, DfgetSummary? Summary);

public sealed record DfgetSummary(
    string Output, string TaskId, string PeerId, long ContentLength, long ElapsedMillis,
    long FromSource, long FromSeed, long FromPeers, long FromLocalCache)
{
    public long Total => FromSource + FromSeed + FromPeers + FromLocalCache;
}
