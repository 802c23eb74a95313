using Dragonfly.Supernode.Scheduling;

namespace Dragonfly.Supernode.Tests.Scheduling;

public sealed class DefaultParentEvaluatorTests
{
    private static readonly DefaultParentEvaluator Evaluator = new();

    private static double Score(int useful, double throughput, double best = 100e6, double failures = 0, int load = 0) =>
        Evaluator.Score(new ParentCandidate(useful, 10, load, throughput, best, failures, SameLocation: false, IsCurrentParent: false));

    [Test]
    public void Score_SlowParentWithEveryPiece_RanksBelowAFastOneWithFewer()
    {
        var slow = Score(useful: 10, throughput: 5e6);
        var fast = Score(useful: 3, throughput: 90e6);

        Assert.That(slow, Is.LessThan(fast), "a parent at 5 % of the best speed should serve only what nobody faster holds");
    }

    [Test]
    public void Score_UnmeasuredParent_IsNotTreatedAsSlow()
    {
        Assert.That(Score(useful: 10, throughput: 0), Is.GreaterThan(Score(useful: 3, throughput: 90e6)));
    }

    [Test]
    public void Score_FailingParent_RanksBelowAHealthyOne()
    {
        Assert.That(Score(useful: 10, throughput: 50e6, failures: 3), Is.LessThan(Score(useful: 10, throughput: 50e6)));
    }
}
