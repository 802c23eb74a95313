using Dragonfly.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Hosting;

/// <summary>Sweeps the piece cache every interval: content past its TTL, then the quota and disk watermarks.</summary>
public sealed partial class CacheJanitor(ContentStore store, TimeSpan interval, TimeProvider time, ILogger<CacheJanitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await TickAsync(timer, stoppingToken))
        {
            try
            {
                var evicted = store.Sweep();
                if (evicted > 0)
                {
                    LogSwept(evicted, store.UsedBytes);
                }
            }
            catch (IOException e)
            {
                // A disk fault now is retried at the next sweep; the cache keeps serving meanwhile.
                LogSweepFailed(e);
            }
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false; // shutting down
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cache sweep evicted {Evicted} contents; {UsedBytes} bytes held")]
    private partial void LogSwept(int evicted, long usedBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cache sweep failed; retrying at the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
