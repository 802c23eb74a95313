using Dragonfly.Operator.Runtime.Leadership;
using Microsoft.Extensions.Hosting;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>
/// Runs every controller while this instance leads (or always, without leader election). Host shutdown stops
/// the queues, lets running reconciles finish within their grace period, and releases the lease.
/// </summary>
public sealed class OperatorService(IEnumerable<IControllerRunner> controllers, LeaderElector? elector) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        elector is null ? RunControllersAsync(stoppingToken) : elector.RunAsync(RunControllersAsync, stoppingToken);

    private Task RunControllersAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(controllers.Select(c => c.RunAsync(cancellationToken)));
}
