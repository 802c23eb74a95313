using Dragonfly.Core.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Core.Tests.RateLimiting;

public sealed class ByteRateLimiterTests
{
    [Test]
    public void AcquireAsync_WithinBurst_CompletesAtOnce()
    {
        var limiter = new ByteRateLimiter(1000, new FakeTimeProvider(), burst: 1000);
        Assert.That(limiter.AcquireAsync(1000, CancellationToken.None).IsCompleted, Is.True);
    }

    [Test]
    public async Task AcquireAsync_BeyondBurst_WaitsForTheRate()
    {
        var time = new FakeTimeProvider();
        var limiter = new ByteRateLimiter(1000, time, burst: 1000);
        await limiter.AcquireAsync(1000, CancellationToken.None);

        var waiting = limiter.AcquireAsync(500, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.That(waiting.IsCompleted, Is.False, "500 bytes at 1000 B/s need 500 ms");
        time.Advance(TimeSpan.FromMilliseconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task AcquireAsync_ConcurrentCallers_QueueBehindTheDebt()
    {
        var time = new FakeTimeProvider();
        var limiter = new ByteRateLimiter(1000, time, burst: 1000);
        await limiter.AcquireAsync(1000, CancellationToken.None);

        var first = limiter.AcquireAsync(1000, CancellationToken.None).AsTask();
        var second = limiter.AcquireAsync(1000, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(1));
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(second.IsCompleted, Is.False, "the second caller waits for the first one's bytes too");
        time.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task AcquireAsync_Cancelled_GivesItsBytesBack()
    {
        var time = new FakeTimeProvider();
        var limiter = new ByteRateLimiter(1000, time, burst: 1000);
        await limiter.AcquireAsync(1000, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = limiter.AcquireAsync(5000, cancel.Token).AsTask();
        await cancel.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(limiter.AcquireAsync(1000, CancellationToken.None).IsCompleted, Is.True, "the cancelled 5000 bytes must not stay charged");
    }

    [Test]
    public void Unlimited_NeverWaits() =>
        Assert.That(ByteRateLimiter.Unlimited.AcquireAsync(int.MaxValue, CancellationToken.None).IsCompleted, Is.True);
}
