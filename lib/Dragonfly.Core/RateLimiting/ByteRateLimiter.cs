namespace Dragonfly.Core.RateLimiting;

/// <summary>
/// A token bucket for bytes, shared by every transfer that passes through it (the host-level limit).
/// A caller takes its bytes at once and, when that leaves the bucket in debt, waits until the debt would be
/// repaid; later callers queue behind that debt, so concurrent transfers share the rate fairly.
/// </summary>
public sealed class ByteRateLimiter
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly long _burst;
    private double _tokens;
    private long _lastRefill;

    /// <param name="bytesPerSecond">The rate; 0 or less means unlimited.</param>
    /// <param name="burst">Bucket size in bytes; defaults to a quarter second of rate, at least 64 KiB.</param>
    public ByteRateLimiter(long bytesPerSecond, TimeProvider? time = null, long? burst = null)
    {
        _time = time ?? TimeProvider.System;
        BytesPerSecond = Math.Max(0, bytesPerSecond);
        _burst = burst ?? Math.Max(64 * 1024, BytesPerSecond / 4);
        _tokens = _burst;
        _lastRefill = _time.GetTimestamp();
    }

    public static ByteRateLimiter Unlimited { get; } = new(0);

    public long BytesPerSecond { get; }

    public bool IsUnlimited => BytesPerSecond == 0;

    /// <summary>Takes <paramref name="bytes"/> from the bucket, waiting as long as the rate requires.</summary>
    public ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        if (IsUnlimited || bytes <= 0)
        {
            return ValueTask.CompletedTask;
        }
        TimeSpan wait;
        lock (_gate)
        {
            Refill();
            _tokens -= bytes;
            if (_tokens >= 0)
            {
                return ValueTask.CompletedTask;
            }
            wait = TimeSpan.FromSeconds(-_tokens / BytesPerSecond);
        }
        return WaitAsync(bytes, wait, cancellationToken);
    }

    private async ValueTask WaitAsync(int bytes, TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _tokens += bytes;
            }
            throw;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_lastRefill, now).TotalSeconds;
        _lastRefill = now;
        _tokens = Math.Min(_burst, _tokens + elapsed * BytesPerSecond);
    }
}
