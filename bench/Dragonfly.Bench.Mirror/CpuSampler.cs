using System.Diagnostics;
using Dragonfly.LocalCluster.Measurement;

namespace Dragonfly.Bench.Mirror;

/// <summary>
/// Reads the CPU time of a few processes every 20 ms while a pull runs, so the pull's CPU can be split at a moment
/// known only afterwards: where ctr's fetch ended and its unpack began. Times are on the sampler's own clock
/// (<see cref="Elapsed"/>), which starts with it.
/// </summary>
public sealed class CpuSampler : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(20);

    private readonly int[] _pids;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly List<(double At, double[] Seconds)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public CpuSampler(IEnumerable<int> pids)
    {
        _pids = pids.ToArray();
        Sample();
        _loop = RunAsync();
    }

    /// <summary>Seconds since the sampler started.</summary>
    public double Elapsed => _watch.Elapsed.TotalSeconds;

    /// <summary>
    /// CPU seconds each process used from the start to <paramref name="seconds"/> after it, interpolated between the
    /// samples either side (/proc counts in 10 ms ticks, so each figure is that coarse).
    /// </summary>
    public double[] UsedUntil(double seconds)
    {
        lock (_samples)
        {
            var first = _samples[0].Seconds;
            var after = _samples.FindIndex(s => s.At >= seconds);
            if (after < 0)
            {
                after = _samples.Count - 1;
            }
            var (at1, s1) = _samples[after];
            var (at0, s0) = _samples[Math.Max(0, after - 1)];
            var share = at1 > at0 ? Math.Clamp((seconds - at0) / (at1 - at0), 0, 1) : 1;
            return s1.Select((v, k) => s0[k] + share * (v - s0[k]) - first[k]).ToArray();
        }
    }

    /// <summary>Takes a last sample and stops; returns the CPU seconds each process used since the start.</summary>
    public async Task<double[]> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop; // a failed read (a process gone) surfaces here, not from DisposeAsync
        Sample();
        return UsedUntil(double.MaxValue);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            // Disposed without StopAsync: the pull failed, and its error is the one to see, not the sampler's.
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped: the caller takes the last sample.
        }
    }

    private void Sample()
    {
        var at = _watch.Elapsed.TotalSeconds;
        var seconds = _pids.Select(ProcessCpu.Seconds).ToArray();
        lock (_samples)
        {
            _samples.Add((at, seconds));
        }
    }
}
