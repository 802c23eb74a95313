using System.Diagnostics.Metrics;
using Dragonfly.Core.Storage;

namespace Dragonfly.Hosting.Metrics;

/// <summary>The piece cache's metrics, the same for every component that has one: usage, entries, evictions.</summary>
public static class CacheInstruments
{
    /// <summary>Adds <c>dragonfly_&lt;component&gt;_cache_*</c> instruments over <paramref name="store"/> to <paramref name="meter"/>.</summary>
    public static void Observe(Meter meter, string component, ContentStore store)
    {
        meter.CreateObservableGauge($"dragonfly_{component}_cache_used_bytes", () => store.UsedBytes,
            description: "Bytes the piece cache holds: completed content plus the allocated size of content being written.");
        meter.CreateObservableGauge($"dragonfly_{component}_cache_tasks", () => store.CompletedCount,
            description: "Completed contents in the piece cache.");
        var evictions = meter.CreateCounter<long>($"dragonfly_{component}_cache_evictions_total",
            description: "Contents evicted from the piece cache, by reason (expired, quota, disk).");
        store.Evicted += (_, reason) => evictions.Add(1, new KeyValuePair<string, object?>("reason", ReasonLabel(reason)));
    }

    private static string ReasonLabel(EvictionReason reason) => reason switch
    {
        EvictionReason.Expired => "expired",
        EvictionReason.Quota => "quota",
        _ => "disk",
    };
}
