using Dragonfly.Operator.Runtime.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>
/// Runs every controller while this instance leads (or always, without leader election). Host shutdown stops
/// the queues, lets running reconciles finish within their grace period, and releases the lease. A lost lease
/// ends the process with exit code 1 (after releasing what it can): controllers, queues and caches are built
/// once per process, so a fresh process, not a second term in this one, campaigns again.
/// </summary>
public sealed partial class OperatorService(IEnumerable<IControllerRunner> controllers, LeaderElector? elector,
    IHostApplicationLifetime lifetime, ILogger<OperatorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (elector is null)
        {
            await RunControllersAsync(stoppingToken);
            return;
        }
        await elector.RunAsync(RunControllersAsync, stoppingToken, campaignAgain: false);
        if (elector.LostLeadership && !stoppingToken.IsCancellationRequested)
        {
            LogExiting();
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }
    }

    private Task RunControllersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(controllers.Select(c => c.RunAsync(cancellationToken)));

    [LoggerMessage(Level = LogLevel.Error, Message = "Leadership lost; exiting so that a fresh process campaigns again")]
    private partial void LogExiting();
}
