using Dragonfly.Protocol.V1;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>Bytes one download received, by kind of source. Updated from several fetches at once.</summary>
public sealed class TrafficCounters
{
    private long _fromSource;
    private long _fromSeed;
    private long _fromPeers;
    private long _fromLocalCache;

    public long Total => Interlocked.Read(ref _fromSource) + Interlocked.Read(ref _fromSeed) + Interlocked.Read(ref _fromPeers) + Interlocked.Read(ref _fromLocalCache);

    public void AddSource(long bytes) => Interlocked.Add(ref _fromSource, bytes);

    public void AddSeed(long bytes) => Interlocked.Add(ref _fromSeed, bytes);

    public void AddPeers(long bytes) => Interlocked.Add(ref _fromPeers, bytes);

    public void AddLocalCache(long bytes) => Interlocked.Add(ref _fromLocalCache, bytes);

    public TrafficStats ToProto() => new()
    {
        FromSource = Interlocked.Read(ref _fromSource),
        FromSeed = Interlocked.Read(ref _fromSeed),
        FromPeers = Interlocked.Read(ref _fromPeers),
        FromLocalCache = Interlocked.Read(ref _fromLocalCache),
    };
}
