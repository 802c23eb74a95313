using System.Diagnostics.Metrics;
using Dragonfly.Core.Storage;
using Dragonfly.Hosting.Metrics;
using Dragonfly.Transfer;

namespace Dragonfly.PeerDaemon;

/// <summary>Every metric of the peer daemon (meter <c>Dragonfly.PeerDaemon</c>); labels are small fixed sets.</summary>
public sealed class PeerDaemonMetrics : IDisposable
{
    private readonly Meter _meter = new("Dragonfly.PeerDaemon");
    private readonly Counter<long> _downloads;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _pieceSeconds;
    private readonly Counter<long> _pieceFailures;
    private readonly Counter<long> _uploaded;
    private readonly Counter<long> _failovers;

    public PeerDaemonMetrics()
    {
        _downloads = _meter.CreateCounter<long>("dragonfly_peer_downloads_total", description: "Downloads finished, by result (succeeded, or the failure kind).");
        _bytes = _meter.CreateCounter<long>("dragonfly_peer_download_bytes_total", description: "Bytes downloaded, by where they came from: origin (the source itself), supernode (its seed), peer.");
        _pieceSeconds = _meter.CreateHistogram<double>("dragonfly_peer_piece_duration_seconds", description: "Time to fetch and verify one piece, by parent kind (supernode, peer).");
        _pieceFailures = _meter.CreateCounter<long>("dragonfly_peer_piece_failures_total", description: "Pieces that failed, by parent kind and reason (timeout, digest_mismatch, unreachable, not_held, truncated).");
        _uploaded = _meter.CreateCounter<long>("dragonfly_peer_upload_bytes_total", description: "Bytes of pieces served to other peers.");
        _failovers = _meter.CreateCounter<long>("dragonfly_peer_supernode_failovers_total", description: "Times a download lost its supernode mid-task and moved to the next replica, keeping its pieces.");
    }

    public void DownloadSucceeded(long fromSource, long fromSupernode, long fromPeers)
    {
        _downloads.Add(1, new KeyValuePair<string, object?>("result", "succeeded"));
        Bytes("origin", fromSource);
        Bytes("supernode", fromSupernode);
        Bytes("peer", fromPeers);
    }

    public void DownloadFailed(string kind) => _downloads.Add(1, new KeyValuePair<string, object?>("result", kind));

    public void PieceDone(bool fromSupernode, TimeSpan elapsed) =>
        _pieceSeconds.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("parent", fromSupernode ? "supernode" : "peer"));

    public void PieceFailed(bool fromSupernode, PieceFetchStatus status) =>
        _pieceFailures.Add(1, new KeyValuePair<string, object?>("parent", fromSupernode ? "supernode" : "peer"), new KeyValuePair<string, object?>("reason", status switch
        {
            PieceFetchStatus.DigestMismatch => "digest_mismatch",
            PieceFetchStatus.Timeout => "timeout",
            PieceFetchStatus.NotHeld => "not_held",
            PieceFetchStatus.Truncated => "truncated",
            _ => "unreachable",
        }));

    public void Uploaded(long bytes) => _uploaded.Add(bytes);

    public void SupernodeFailover() => _failovers.Add(1);

    /// <summary>Adds how many supernodes this peer has isolated for failing.</summary>
    public void ObserveSupernodes(Scheduling.SupernodeSelector selector) =>
        _meter.CreateObservableGauge("dragonfly_peer_isolated_supernodes", () => selector.IsolatedCount,
            description: "Supernodes this peer isolated after they failed; new tasks try them last until a quiet period passes.");

    /// <summary>Adds the piece cache's usage and evictions.</summary>
    public void ObserveCache(ContentStore store) => CacheInstruments.Observe(_meter, "peer", store);

    public void Dispose() => _meter.Dispose();

    private void Bytes(string source, long bytes)
    {
        if (bytes > 0)
        {
            _bytes.Add(bytes, new KeyValuePair<string, object?>("source", source));
        }
    }
}
