namespace Dragonfly.Core;

/// <summary>
/// Makes a long copy loop hand its thread back to the pool now and then. A loop whose awaits all complete at once
/// (a socket that always has data waiting, a pwrite into the page cache, a hash) never returns its thread, and the
/// pool adds threads only slowly: on a 2-core node two such loops (the seed cutting two layers) held every worker,
/// and a scheduler packet, another layer's response headers and the peer's piece requests waited 100 ms and more
/// behind them. A loop that calls <see cref="PassAsync"/> once per step yields after <see cref="Length"/> of steps,
/// so queued work runs between them.
/// </summary>
/// <remarks>
/// The yield goes through <see cref="Task.Yield"/>: to the pool's global queue, behind the work already waiting,
/// or to the current <see cref="TaskScheduler"/> when the loop runs on one of its own.
/// </remarks>
public sealed class ThreadSlice(TimeProvider? time = null)
{
    /// <summary>
    /// Time between yields. It is wall time since the last yield, waits included, so a loop that did wait yields
    /// again on its next step; a yield costs a few microseconds.
    /// </summary>
    public static readonly TimeSpan Length = TimeSpan.FromMilliseconds(1);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private long _started = (time ?? TimeProvider.System).GetTimestamp();

    /// <summary>Completes at once while the slice lasts; once it is used up, after the other queued work had its turn.</summary>
    public ValueTask PassAsync() =>
        _time.GetElapsedTime(_started) < Length ? ValueTask.CompletedTask : YieldAsync();

    private async ValueTask YieldAsync()
    {
        await Task.Yield();
        _started = _time.GetTimestamp();
    }
}
