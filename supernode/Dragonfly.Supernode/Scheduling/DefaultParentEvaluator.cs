namespace Dragonfly.Supernode.Scheduling;

/// <summary>
/// Weighs what a parent can give (share of the child's missing pieces), how busy it is, how fast it has
/// been, how reliable, and whether it is near. A small bonus keeps current parents, avoiding churn. A parent
/// measured below <see cref="SlowRatio"/> of the fastest candidate is slow: its score is cut to a quarter, so
/// it is chosen only when nothing better holds the pieces.
/// </summary>
public sealed class DefaultParentEvaluator : IParentEvaluator
{
    public const double SlowRatio = 0.25;

    public double Score(in ParentCandidate c)
    {
        var usefulness = c.ChildNeeds == 0 ? 0 : Math.Min(1.0, (double)c.UsefulPieces / c.ChildNeeds);
        var idleness = 1.0 / (1 + c.Load);
        var speed = c.ThroughputBytesPerSecond <= 0 || c.BestThroughputBytesPerSecond <= 0
            ? 0.5
            : c.ThroughputBytesPerSecond / c.BestThroughputBytesPerSecond;
        var health = 1.0 - Math.Min(1.0, c.FailureScore / 3);
        var score = 0.40 * usefulness
            + 0.25 * idleness
            + 0.15 * speed
            + 0.15 * health
            + (c.SameLocation ? 0.05 : 0)
            + (c.IsCurrentParent ? 0.05 : 0);
        return speed < SlowRatio ? score / 4 : score;
    }
}
