using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Operator.Runtime.Leadership;

/// <summary>
/// Leader election over a <c>coordination.k8s.io/v1</c> Lease, as client-go does it: a candidate takes the lease
/// when it is free or its holder has not renewed it for <see cref="LeaderElectionOptions.LeaseDuration"/> (measured
/// on this instance's clock from when it last saw the record change, so clocks need not agree); the leader renews it
/// every retry period and stops leading when it cannot renew within the renew deadline. Every write carries the
/// resourceVersion read, so two candidates can never both win. On shutdown the leader releases the lease.
/// </summary>
public sealed partial class LeaderElector(KubernetesClient client, LeaderElectionOptions options, string leaseNamespace, TimeProvider time, ILogger<LeaderElector> logger)
{
    private readonly string _identity = options.Identity ?? Environment.MachineName;
    private (string? Holder, DateTimeOffset? RenewTime, string? ResourceVersion) _observed;
    /// <summary>Monotonic time when the lease record last changed as seen here (wall clocks may jump).</summary>
    private long _observedAt;

    public string Identity => _identity;

    public bool IsLeader { get; private set; }

    /// <summary>
    /// Campaigns until leading, runs <paramref name="lead"/> with a token cancelled when leadership is lost, and
    /// (with <paramref name="campaignAgain"/>) campaigns again after a loss; returns when
    /// <paramref name="cancellationToken"/> is cancelled or, without <paramref name="campaignAgain"/>, once leadership
    /// ended, with <see cref="LostLeadership"/> telling which. A <paramref name="lead"/> that returns by itself ends
    /// the term like a loss.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken cancellationToken, bool campaignAgain = true)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await AcquireAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = Task.Run(() => lead(leading.Token), CancellationToken.None);
            await RenewUntilLostAsync(work, leading, cancellationToken);
            await leading.CancelAsync();
            try
            {
                await work;
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception)
            {
                // The controllers failed: hand the lease to a standby at once, then let the failure end the process.
                IsLeader = false;
                await ReleaseAsync();
                throw;
            }
            IsLeader = false;
            if (cancellationToken.IsCancellationRequested)
            {
                await ReleaseAsync();
                return;
            }
            LogLost(_identity, options.LeaseName);
            LostLeadership = true;
            if (!campaignAgain)
            {
                await ReleaseAsync();
                return;
            }
            await Task.Delay(options.RetryPeriod, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>True once a term ended without this instance being asked to stop.</summary>
    public bool LostLeadership { get; private set; }

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        LogCampaigning(_identity, leaseNamespace, options.LeaseName);
        while (true)
        {
            try
            {
                if (await TryAcquireOrRenewAsync(cancellationToken))
                {
                    break;
                }
            }
            catch (Exception e) when (e is KubernetesException or HttpRequestException)
            {
                LogRenewFailed(e, options.LeaseName);
            }
            await Task.Delay(options.RetryPeriod, time, cancellationToken);
        }
        IsLeader = true;
        LogAcquired(_identity, options.LeaseName);
    }

    private async Task RenewUntilLostAsync(Task work, CancellationTokenSource leading, CancellationToken cancellationToken)
    {
        var lastRenew = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested && !work.IsCompleted)
        {
            try
            {
                await Task.WhenAny(work, Task.Delay(options.RetryPeriod, time, cancellationToken));
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (work.IsCompleted || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            bool renewed;
            // A renewal may not outlast the renew deadline: a leader that cannot tell whether it still holds the
            // lease must stop before a standby may take it (after the lease duration).
            var left = options.RenewDeadline - time.GetElapsedTime(lastRenew);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            try
            {
                renewed = await TryAcquireOrRenewAsync(attempt.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopped during a renewal: return like between renewals, so the caller stops the work and releases.
                return;
            }
            catch (OperationCanceledException)
            {
                LogRenewTimedOut(options.LeaseName, options.RenewDeadline.TotalSeconds);
                return;
            }
            catch (Exception e) when (e is KubernetesException or HttpRequestException)
            {
                LogRenewFailed(e, options.LeaseName);
                renewed = false;
            }
            if (renewed)
            {
                lastRenew = time.GetTimestamp();
            }
            else if (time.GetElapsedTime(lastRenew) > options.RenewDeadline)
            {
                return;
            }
        }
    }

    /// <summary>One attempt: true when this instance holds the lease afterwards.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lease = await client.GetAsync<V1Lease>(options.LeaseName, leaseNamespace, cancellationToken);
        if (lease is null)
        {
            try
            {
                await client.CreateAsync(new V1Lease
                {
                    Metadata = new V1ObjectMeta { Name = options.LeaseName, Namespace = leaseNamespace },
                    Spec = NewSpec(now, transitions: 0, acquireTime: now),
                }, cancellationToken);
                return true;
            }
            catch (KubernetesException e) when (e.IsAlreadyExists || e.IsConflict)
            {
                return false;
            }
        }
        var record = (lease.Spec.HolderIdentity, lease.Spec.RenewTime, lease.Metadata.ResourceVersion);
        if (record != _observed)
        {
            _observed = record;
            _observedAt = time.GetTimestamp();
        }
        var holder = lease.Spec.HolderIdentity;
        var ours = holder == _identity;
        var duration = TimeSpan.FromSeconds(lease.Spec.LeaseDurationSeconds ?? (int)options.LeaseDuration.TotalSeconds);
        if (!ours && !string.IsNullOrEmpty(holder) && time.GetElapsedTime(_observedAt) < duration)
        {
            return false;
        }
        lease.Spec = NewSpec(now, ours ? lease.Spec.LeaseTransitions ?? 0 : (lease.Spec.LeaseTransitions ?? 0) + 1,
            ours ? lease.Spec.AcquireTime ?? now : now);
        try
        {
            var written = await client.UpdateAsync(lease, cancellationToken);
            _observed = (written.Spec.HolderIdentity, written.Spec.RenewTime, written.Metadata.ResourceVersion);
            _observedAt = time.GetTimestamp();
            return true;
        }
        catch (KubernetesException e) when (e.IsConflict)
        {
            return false;
        }
    }

    private V1LeaseSpec NewSpec(DateTimeOffset now, int transitions, DateTimeOffset acquireTime) => new()
    {
        HolderIdentity = _identity,
        LeaseDurationSeconds = (int)options.LeaseDuration.TotalSeconds,
        AcquireTime = acquireTime,
        RenewTime = now,
        LeaseTransitions = transitions,
    };

    /// <summary>Hands the lease back so the next candidate need not wait for it to expire.</summary>
    private async Task ReleaseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var lease = await client.GetAsync<V1Lease>(options.LeaseName, leaseNamespace, timeout.Token);
            if (lease?.Spec.HolderIdentity != _identity)
            {
                return;
            }
            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = time.GetUtcNow();
            await client.UpdateAsync(lease, timeout.Token);
            LogReleased(_identity, options.LeaseName);
        }
        catch (Exception e) when (e is KubernetesException or HttpRequestException or OperationCanceledException)
        {
            LogReleaseFailed(e, options.LeaseName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} campaigning for lease {Namespace}/{Lease}")]
    private partial void LogCampaigning(string identity, string @namespace, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} acquired lease {Lease}; now leading")]
    private partial void LogAcquired(string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost lease {Lease}; its work is stopped")]
    private partial void LogLost(string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew lease {Lease} within the renew deadline ({Seconds} s); stepping down")]
    private partial void LogRenewTimedOut(string lease, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing lease {Lease} failed")]
    private partial void LogRenewFailed(Exception error, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} released lease {Lease}")]
    private partial void LogReleased(string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing lease {Lease} failed; it expires on its own")]
    private partial void LogReleaseFailed(Exception error, string lease);
}
