using System.Diagnostics.Metrics;
using Dragonfly.Core.Storage;
using Dragonfly.Hosting.Metrics;
using Dragonfly.Supernode.Scheduling;

namespace Dragonfly.Supernode;

/// <summary>Every metric of the supernode (meter <c>Dragonfly.Supernode</c>).</summary>
public sealed class SupernodeMetrics : IDisposable
{
    private readonly Meter _meter = new("Dragonfly.Supernode");
    private readonly Counter<long> _fetches;
    private readonly Counter<long> _sourceBytes;
    private readonly Counter<long> _uploaded;
    private readonly Counter<long> _registrations;

    public SupernodeMetrics()
    {
        _fetches = _meter.CreateCounter<long>("dragonfly_supernode_seed_fetches_total", description: "Back-to-source fetches of the seed, by result (succeeded, failed).");
        _sourceBytes = _meter.CreateCounter<long>("dragonfly_supernode_source_bytes_total", description: "Bytes the seed fetched from sources (registries, origins).");
        _uploaded = _meter.CreateCounter<long>("dragonfly_supernode_upload_bytes_total", description: "Bytes of seed pieces served to peers.");
        _registrations = _meter.CreateCounter<long>("dragonfly_supernode_peer_registrations_total", description: "Peers that registered for a task.");
    }

    public void SeedFetched(long bytes)
    {
        _fetches.Add(1, new KeyValuePair<string, object?>("result", "succeeded"));
        _sourceBytes.Add(bytes);
    }

    public void SeedFailed() => _fetches.Add(1, new KeyValuePair<string, object?>("result", "failed"));

    public void Uploaded(long bytes) => _uploaded.Add(bytes);

    public void PeerRegistered() => _registrations.Add(1);

    /// <summary>Adds the scheduler's tasks and peers and the isolated parent hosts.</summary>
    public void ObserveScheduler(Scheduler scheduler, HostHealth health)
    {
        _meter.CreateObservableGauge("dragonfly_supernode_scheduler_tasks", () => scheduler.TaskCount, description: "Tasks the scheduler holds (running, and completed ones whose content is cached).");
        _meter.CreateObservableGauge("dragonfly_supernode_scheduler_peers", () => scheduler.PeerCount, description: "Peers registered for the scheduler's tasks.");
        _meter.CreateObservableGauge("dragonfly_supernode_isolated_hosts", () => health.IsolatedCount(), description: "Parent hosts isolated now for failures or corrupt pieces.");
    }

    /// <summary>Adds the piece cache's usage and evictions.</summary>
    public void ObserveCache(ContentStore store) => CacheInstruments.Observe(_meter, "supernode", store);

    public void Dispose() => _meter.Dispose();
}
