using Dragonfly.Core;
using Dragonfly.PeerDaemon.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.PeerDaemon.Tests.Scheduling;

public sealed class SupernodeSelectorTests
{
    private static readonly Uri[] Addresses = [new("http://10.0.0.1:8002"), new("http://10.0.0.2:8002"), new("http://10.0.0.3:8002")];
    private static readonly TaskId Task = new ContentKey("http://origin/blob").ToTaskId();

    [Test]
    public void For_FailedSupernode_GoesLastUntilItsQuietPeriodPasses_ThenReturnsToItsPlace()
    {
        var time = new FakeTimeProvider();
        using var selector = new SupernodeSelector(Addresses, time);
        var order = selector.For(Task);
        var home = order[0];

        selector.ReportFailure(home);
        var whileIsolated = selector.For(Task);
        time.Advance(SupernodeSelector.FirstIsolation + TimeSpan.FromSeconds(1));
        var afterQuiet = selector.For(Task);

        Assert.Multiple(() =>
        {
            Assert.That(whileIsolated, Is.EqualTo(order.Skip(1).Append(home)), "the others keep their rendezvous order");
            Assert.That(selector.IsolatedCount, Is.Zero);
            Assert.That(afterQuiet, Is.EqualTo(order));
        });
    }

    [Test]
    public void ReportFailure_Repeated_DoublesTheQuietPeriod_AndSuccessResetsIt()
    {
        var time = new FakeTimeProvider();
        using var selector = new SupernodeSelector(Addresses, time);
        var home = selector.For(Task)[0];

        selector.ReportFailure(home);
        selector.ReportFailure(home); // 20 s now
        time.Advance(SupernodeSelector.FirstIsolation + TimeSpan.FromSeconds(1));
        var stillIsolated = selector.IsolatedCount;
        selector.ReportSuccess(home);

        Assert.Multiple(() =>
        {
            Assert.That(stillIsolated, Is.EqualTo(1));
            Assert.That(selector.IsolatedCount, Is.Zero);
            Assert.That(selector.For(Task)[0], Is.SameAs(home));
        });
    }
}
