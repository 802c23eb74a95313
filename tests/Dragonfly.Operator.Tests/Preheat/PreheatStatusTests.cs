using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Preheat;

namespace Dragonfly.Operator.Tests.Preheat;

public sealed class PreheatStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static PreheatItemStatus Item(PreheatItemState state, long bytes, long done, string? error = null) =>
        new() { Source = "r/app:v1", Url = "http://r/v2/app/blobs/x", Digest = "sha256:" + new string('a', 64), State = state, Bytes = bytes, BytesDone = done, Error = error };

    [Test]
    public void Advance_SomeRunning_ReportsProgress()
    {
        var status = new V1Alpha1PreheatTaskStatus { Items = [Item(PreheatItemState.Succeeded, 100, 100), Item(PreheatItemState.Running, 300, 50)] };

        var finished = PreheatStatus.Advance(status, 1, Now);

        Assert.That(finished, Is.False);
        Assert.That((status.Phase, status.Progress.Summary, status.Progress.BytesDone, status.Progress.BytesTotal), Is.EqualTo((PreheatPhase.Running, "1/2", 150L, 400L)));
        Assert.That(status.CompletionTime, Is.Null);
    }

    [Test]
    public void Advance_AllSucceeded_IsComplete()
    {
        var status = new V1Alpha1PreheatTaskStatus { Items = [Item(PreheatItemState.Succeeded, 100, 100)] };

        Assert.That(PreheatStatus.Advance(status, 1, Now), Is.True);
        Assert.That(status.Phase, Is.EqualTo(PreheatPhase.Succeeded));
        Assert.That(status.CompletionTime, Is.EqualTo(Now));
        Assert.That(status.Conditions.Single(c => c.Type == "Complete").Status, Is.EqualTo("True"));
    }

    [Test]
    public void Advance_OneFailed_FailsNamingTheItem()
    {
        var status = new V1Alpha1PreheatTaskStatus { Items = [Item(PreheatItemState.Succeeded, 100, 100), Item(PreheatItemState.Failed, 5, 0, "source answered 404")] };

        Assert.That(PreheatStatus.Advance(status, 1, Now), Is.True);
        Assert.That(status.Phase, Is.EqualTo(PreheatPhase.Failed));
        Assert.That(status.Message, Does.Contain("1 of 2 items failed").And.Contain("source answered 404"));
        Assert.That(status.Conditions.Single(c => c.Type == "Failed").Status, Is.EqualTo("True"));
    }
}
