namespace Dragonfly.Supernode.Scheduling;

/// <summary>Scores a parent for a child; higher is better. The one place a scheduling policy is swapped.</summary>
public interface IParentEvaluator
{
    double Score(in ParentCandidate candidate);
}
