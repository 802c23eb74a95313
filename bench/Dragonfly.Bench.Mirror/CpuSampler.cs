using System.Diagnostics;
using Dragonfly.LocalCluster.Measurement;

namespace Dragonfly.Bench.Mirror;

/// <summary>
/// Reads the CPU time of a few processes every 20 ms while a pull runs, so the pull's CPU can be split at a moment
/// known only afterwards: where ctr's fetch ended and its unpack began.
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

    /// <summary>CPU seconds each process used from the start to <paramref name="seconds"/> after it (to the sample before).</summary>
    public double[] UsedUntil(double seconds)
    {
        lock (_samples)
        {
            var at = _samples.LastOrDefault(s => s.At <= seconds, _samples[0]);
            return at.Seconds.Select((v, k) => v - _samples[0].Seconds[k]).ToArray();
        }
    }

    /// <summary>Takes a last sample and stops; returns the CPU seconds each process used since the start.</summary>
    public async Task<double[]> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Sample();
        return UsedUntil(double.MaxValue);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await _loop;
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
