namespace Dragonfly.Supernode.Scheduling;

/// <summary>What the scheduler knows about one possible parent for one child, as evaluators see it.</summary>
/// <param name="UsefulPieces">Pieces the parent holds that the child lacks.</param>
/// <param name="ChildNeeds">Pieces the child still lacks (known to the scheduler).</param>
/// <param name="Load">Children currently assigned to the parent.</param>
/// <param name="ThroughputBytesPerSecond">Measured upload throughput of the parent, 0 when not yet measured.</param>
/// <param name="BestThroughputBytesPerSecond">The best measured throughput among the candidates.</param>
/// <param name="FailureScore">Recent failures of the parent's host, decayed; 0 is healthy.</param>
/// <param name="SameLocation">The parent's host shares the child's location label.</param>
/// <param name="IsCurrentParent">The parent is already serving this child (switching costs connections).</param>
public readonly record struct ParentCandidate(
    int UsefulPieces,
    int ChildNeeds,
    int Load,
    double ThroughputBytesPerSecond,
    double BestThroughputBytesPerSecond,
    double FailureScore,
    bool SameLocation,
    bool IsCurrentParent);
