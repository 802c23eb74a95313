using Dragonfly.Kubernetes;
using Dragonfly.Operator.Runtime.Leadership;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>
/// One <see cref="LeaderElector"/> campaigning for the Lease <c>lock</c> with short timings, whose lead callback
/// signals when it starts leading and when its lead token is cancelled.
/// </summary>
public sealed class LeaderCandidate : IAsyncDisposable
{
    public const string LeaseName = "lock";
    private readonly TaskCompletionSource _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop;
    private int _terms;

    public LeaderCandidate(KubernetesClient client, string @namespace, string identity, TestLog log, CancellationToken testTimeout)
    {
        Identity = identity;
        Elector = new LeaderElector(client, new LeaderElectionOptions
        {
            LeaseName = LeaseName,
            Identity = identity,
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(500),
        }, @namespace, TimeProvider.System, log.For<LeaderElector>());
        _stop = CancellationTokenSource.CreateLinkedTokenSource(testTimeout);
        Running = Elector.RunAsync(LeadAsync, _stop.Token);
    }

    public string Identity { get; }

    public LeaderElector Elector { get; }

    /// <summary>The elector's run; it ends after <see cref="StopAsync"/> (having released the lease if it led).</summary>
    public Task Running { get; }

    /// <summary>Completes when the lead callback first runs.</summary>
    public Task Leading => _leading.Task;

    /// <summary>Completes when the lead token of the first term is cancelled.</summary>
    public Task LostLead => _lost.Task;

    /// <summary>How often the lead callback has started.</summary>
    public int Terms => Volatile.Read(ref _terms);

    /// <summary>Cancels the run (as a host shutting down does) without waiting for it.</summary>
    public Task CancelAsync() => _stop.CancelAsync();

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Running.WaitAsync(TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task LeadAsync(CancellationToken leading)
    {
        Interlocked.Increment(ref _terms);
        _leading.TrySetResult();
        try
        {
            await Task.Delay(Timeout.Infinite, leading);
        }
        finally
        {
            _lost.TrySetResult();
        }
    }
}
