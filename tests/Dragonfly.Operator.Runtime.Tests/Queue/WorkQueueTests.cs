using System.Collections.Concurrent;
using Dragonfly.Operator.Runtime.Queue;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Operator.Runtime.Tests.Queue;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private FakeTimeProvider _time = null!;
    private WorkQueue<string> _queue = null!;

    [SetUp]
    public void CreateQueue()
    {
        _time = new FakeTimeProvider();
        _queue = new WorkQueue<string>(_time, baseDelay: TimeSpan.FromSeconds(1), maxDelay: TimeSpan.FromSeconds(10));
    }

    [TearDown]
    public void DisposeQueue() => _queue.Dispose();

    [Test]
    public async Task Add_SameKeyTwice_TakenOnce()
    {
        _queue.Add("a");
        _queue.Add("a");

        Assert.That(_queue.Count, Is.EqualTo(1));
        Assert.That(await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait), Is.EqualTo("a"));
        var second = _queue.TakeAsync(CancellationToken.None);
        Assert.That(second.IsCompleted, Is.False, "the duplicate must not be queued a second time");
    }

    [Test]
    public async Task Add_DifferentKeys_TakenInOrder()
    {
        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("a");

        Assert.That(await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait), Is.EqualTo("a"));
        Assert.That(await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait), Is.EqualTo("b"));
        Assert.That(_queue.Count, Is.Zero);
    }

    [Test]
    public async Task Add_WhileProcessing_ComesBackOnceAfterDone()
    {
        _queue.Add("a");
        var key = await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait);

        _queue.Add("a");
        _queue.Add("a");
        var second = _queue.TakeAsync(CancellationToken.None);

        Assert.That(second.IsCompleted, Is.False, "a key being processed is not handed to a second worker");
        Assert.That(_queue.Count, Is.Zero);
        _queue.Done(key);
        Assert.That(await second.WaitAsync(Wait), Is.EqualTo("a"));
        var third = _queue.TakeAsync(CancellationToken.None);
        Assert.That(third.IsCompleted, Is.False, "the two adds during processing come back as one");
    }

    [Test]
    public async Task Done_KeyNotReAdded_DoesNotComeBack()
    {
        _queue.Add("a");
        var key = await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait);

        _queue.Done(key);

        Assert.That(_queue.Count, Is.Zero);
        Assert.That(_queue.TakeAsync(CancellationToken.None).IsCompleted, Is.False);
    }

    [Test]
    public async Task TakeAsync_ManyWorkersAndConcurrentAdds_NeverHandsOneKeyToTwoWorkers()
    {
        const int Keys = 8;
        const int Rounds = 4000;
        using var queue = new WorkQueue<int>(TimeProvider.System);
        var inFlight = new ConcurrentDictionary<int, bool>();
        var rounds = 0;
        var overlaps = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task WorkAsync()
        {
            while (true)
            {
                int key;
                try
                {
                    key = await queue.TakeAsync(CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (!inFlight.TryAdd(key, true))
                {
                    Interlocked.Increment(ref overlaps);
                }
                await Task.Yield();
                inFlight.TryRemove(key, out _);
                queue.Done(key);
                if (Interlocked.Increment(ref rounds) >= Rounds)
                {
                    enough.TrySetResult();
                }
            }
        }

        // Adders keep re-adding every key while the workers process them, so keys are re-added mid-processing all the time.
        async Task AddAsync(int offset)
        {
            for (var i = offset; !enough.Task.IsCompleted; i++)
            {
                queue.Add(i % Keys);
                if (i % Keys == 0)
                {
                    await Task.Yield();
                }
            }
        }

        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(WorkAsync)).ToArray();
        var adders = Enumerable.Range(0, 2).Select(offset => Task.Run(() => AddAsync(offset))).ToArray();
        await enough.Task.WaitAsync(Wait);
        await Task.WhenAll(adders).WaitAsync(Wait);
        queue.ShutDown();
        await Task.WhenAll(workers).WaitAsync(Wait);

        Assert.That(overlaps, Is.Zero, "a key was processed by two workers at once");
    }

    [Test]
    public async Task AddAfter_FiresOnlyAfterTheDelay()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.That(_queue.Count, Is.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.That(_queue.Count, Is.EqualTo(1));
        Assert.That(await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait), Is.EqualTo("a"));
    }

    [Test]
    public void AddAfter_ZeroDelay_AddsAtOnce()
    {
        _queue.AddAfter("a", TimeSpan.Zero);

        Assert.That(_queue.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task AddAfter_ThenAdd_AddsOnceAndCancelsTheDelay()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(5));
        _queue.Add("a");
        var key = await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait);
        _queue.Done(key);

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.That(_queue.Count, Is.Zero, "the add replaced the pending delayed add");
    }

    [Test]
    public void AddAfter_LaterDelayForAPendingKey_EarlierOneWins()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));
        _queue.AddAfter("a", TimeSpan.FromSeconds(60));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(_queue.Count, Is.EqualTo(1), "the documented contract: an earlier pending delay for the key wins");
    }

    [Test]
    public async Task AddAfter_EarlierDelayForAPendingKey_ReplacesTheLaterOne()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(60));
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(_queue.Count, Is.EqualTo(1));
        _queue.Done(await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait));
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.That(_queue.Count, Is.Zero, "the key is added once, not again at the later time");
    }

    [Test]
    public void AddRateLimited_RepeatedFailures_DelayDoublesUpToTheMaximum()
    {
        var delays = Enumerable.Range(0, 6).Select(_ => _queue.AddRateLimited("a")).ToList();

        Assert.That(delays.Select(d => d.TotalSeconds), Is.EqualTo(new[] { 1d, 2, 4, 8, 10, 10 }));
        Assert.That(_queue.Failures("a"), Is.EqualTo(6));
    }

    [Test]
    public async Task AddRateLimited_EachFailure_KeyComesBackAfterItsDelay()
    {
        foreach (var expected in new[] { 1, 2, 4, 8, 10, 10 })
        {
            var delay = _queue.AddRateLimited("a");
            Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(expected)));

            _time.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.That(_queue.Count, Is.Zero, $"not before {expected} s");
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.That(_queue.Count, Is.EqualTo(1), $"back after {expected} s");

            _queue.Done(await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait));
        }
    }

    [Test]
    public void AddRateLimited_KeysBackOffIndependently()
    {
        _queue.AddRateLimited("a");
        _queue.AddRateLimited("a");

        Assert.That(_queue.AddRateLimited("b"), Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Forget_AfterFailures_ResetsTheBackoff()
    {
        _queue.AddRateLimited("a");
        _queue.AddRateLimited("a");
        _queue.AddRateLimited("a");

        _queue.Forget("a");

        Assert.That(_queue.Failures("a"), Is.Zero);
        Assert.That(_queue.AddRateLimited("a"), Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void ShutDown_WaitingTaker_ThrowsOperationCanceled()
    {
        var waiting = _queue.TakeAsync(CancellationToken.None);

        _queue.ShutDown();

        Assert.That(async () => await waiting.WaitAsync(Wait), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ShutDown_LaterTakeAndAdd_TakeThrowsAndAddIsIgnored()
    {
        _queue.ShutDown();
        _queue.Add("a");

        Assert.That(_queue.Count, Is.Zero);
        Assert.That(async () => await _queue.TakeAsync(CancellationToken.None).WaitAsync(Wait), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ShutDown_PendingDelayedKey_NeverAdded()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));

        _queue.ShutDown();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(_queue.Count, Is.Zero);
    }

    [Test]
    public async Task TakeAsync_CallerCancels_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _queue.TakeAsync(cancel.Token);

        await cancel.CancelAsync();

        Assert.That(async () => await waiting.WaitAsync(Wait), Throws.InstanceOf<OperationCanceledException>());
    }
}
