namespace Dragonfly.Supernode.Scheduling;

/// <summary>Configuration section <c>scheduler</c>.</summary>
public sealed class SchedulerOptions
{
    /// <summary>Parents (other peers) offered to each peer at a time.</summary>
    public int MaxParents { get; set; } = 4;

    /// <summary>Pieces a peer may be fetching from the seed at once. Keeps the seed's uplink spread over many pieces.</summary>
    public int SeedSlotsPerPeer { get; set; } = 2;

    /// <summary>
    /// Pieces the seed serves at once to a task's downloading peers together, at most. Each peer may fetch
    /// max(<see cref="SeedSlotsPerPeer"/>, this / peers) pieces from the seed, so a lone peer (one node pulling
    /// a layer) is not held to two pieces in flight, and many peers do not split the seed's uplink into as many
    /// slow transfers (the distribution benchmark: with 2 slots for each of 10 peers, 1 MiB seed pieces took
    /// 16–20 s at a 1 MiB/s seed uplink, and every peer waited on pieces none of them held yet).
    /// </summary>
    public int SeedSlotsTotal { get; set; } = 8;

    /// <summary>
    /// Peers expected to be served, per piece, by each copy the seed hands out. The seed hands out a piece
    /// again only while it has fewer than ceil(peers / fanout) copies in the swarm (at least one).
    /// </summary>
    public int SeedFanout { get; set; } = 4;

    /// <summary>
    /// Children one peer serves as a parent at a time. Its uplink is shared by every child fetching from it, so
    /// a new piece held by one peer and asked for by all the others reaches each of them only after all of them
    /// (with 50 peers at 1 MiB/s, 256 KiB pieces took 10 s); capped, the others take it from its first children,
    /// and the piece spreads as a tree.
    /// </summary>
    public int MaxChildrenPerParent { get; set; } = 4;

    /// <summary>Peers sampled as parent candidates per decision; bounds the cost with thousands of peers.</summary>
    public int CandidateSample { get; set; } = 48;

    /// <summary>Independent scheduling loops; a task always belongs to the same one.</summary>
    public int Shards { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Failures of one parent host, decayed with <see cref="FailureHalfLife"/>, that isolate it.</summary>
    public double IsolationFailureScore { get; set; } = 3;

    public TimeSpan FailureHalfLife { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a host that failed repeatedly stays isolated.</summary>
    public TimeSpan IsolationPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a host that sent a corrupt piece stays isolated.</summary>
    public TimeSpan CorruptionIsolationPeriod { get; set; } = TimeSpan.FromMinutes(30);

    public string? Validate()
    {
        if (MaxParents < 1) return "scheduler:maxParents must be at least 1";
        if (SeedSlotsPerPeer < 1) return "scheduler:seedSlotsPerPeer must be at least 1";
        if (MaxChildrenPerParent < 1) return "scheduler:maxChildrenPerParent must be at least 1";
        if (SeedFanout < 1) return "scheduler:seedFanout must be at least 1";
        if (CandidateSample < MaxParents) return "scheduler:candidateSample must be at least scheduler:maxParents";
        if (Shards < 1) return "scheduler:shards must be at least 1";
        return null;
    }
}
