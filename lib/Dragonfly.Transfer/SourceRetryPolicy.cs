using System.Net;

namespace Dragonfly.Transfer;

/// <summary>
/// How a fetch from a source rides out transient faults. A transient answer (408, 429, 500, 502, 503, 504) or a
/// connection that fails is asked again after a pause that doubles each time; a body cut short is resumed from
/// the byte where it broke. Attempts count consecutive faults without progress, so a long transfer through a
/// flaky link keeps going while a source that is down fails within a few seconds.
/// </summary>
public sealed class SourceRetryPolicy
{
    public static SourceRetryPolicy Default { get; } = new();

    /// <summary>Tries in a row, the first included, before the fault is the fetch's result.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Pause before the second try; it doubles for each further one.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest pause, also for a source's own <c>Retry-After</c>.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause after <paramref name="failures"/> consecutive faults (1 or more).</summary>
    public TimeSpan DelayAfter(int failures, TimeSpan? retryAfter = null)
    {
        var backoff = FirstDelay * Math.Pow(2, Math.Max(0, failures - 1));
        var delay = retryAfter is { } asked && asked > backoff ? asked : backoff;
        return delay < MaxDelay ? delay : MaxDelay;
    }

    /// <summary>An answer that may well be different if asked again shortly.</summary>
    public static bool IsTransient(HttpStatusCode status) => (int)status is 408 or 429 or 500 or 502 or 503 or 504;
}
