using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Core.Tests;

/// <summary>
/// A copy loop that never waits must still let other queued work run. The loops here run on a scheduler that runs
/// one task at a time, the way two busy loops leave a 2-core node's thread pool: work queued behind a loop runs
/// only when the loop hands its thread back.
/// </summary>
public sealed class ThreadSliceTests
{
    [Test]
    public void PassAsync_WithinTheSlice_CompletesAtOnce()
    {
        var time = new FakeTimeProvider();
        var slice = new ThreadSlice(time);
        time.Advance(ThreadSlice.Length / 2);

        Assert.That(slice.PassAsync().IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task PassAsync_OnceTheSliceIsUsedUp_RunsTheWorkQueuedMeanwhileFirst_ThenStartsANewSlice()
    {
        var time = new FakeTimeProvider();
        var exclusive = new TaskFactory(new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler);
        var order = new List<string>();
        var queued = new TaskCompletionSource();
        Task other = null!;

        var loop = exclusive.StartNew(async () =>
        {
            var slice = new ThreadSlice(time);
            other = exclusive.StartNew(() => order.Add("queued work"));
            queued.SetResult();
            time.Advance(ThreadSlice.Length);
            await slice.PassAsync();
            order.Add("loop, after its slice");
            // The new slice starts when the loop has its thread back.
            Assert.That(slice.PassAsync().IsCompletedSuccessfully, Is.True, "the slice did not start again after the yield");
        }).Unwrap();
        await queued.Task;
        await Task.WhenAll(loop, other);

        Assert.That(order, Is.EqualTo(new[] { "queued work", "loop, after its slice" }));
    }
}
