using Dragonfly.LocalCluster;
using Cluster = Dragonfly.LocalCluster.LocalCluster;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// A peer daemon's peak resident memory while it serves a large blob: peer 1 downloads the blob, its peak is
/// reset, then 10 other peers download it at once (from peer 1 above all: the scheduler gives the seed only
/// pieces no peer parent holds) and peer 1's peak is read again. No rate limits; data on disk.
/// </summary>
public static class ServingMemory
{
    public sealed record Result(long ServingPeak, long OwnDownloadPeak, long DownloaderPeak, long SupernodePeak, double ServeSeconds, double FromPeersShare);

    public static async Task<Result> MeasureAsync(long size, int downloaders, string workDir, CancellationToken cancellationToken)
    {
        var files = OriginFiles.Create(Path.Combine(workDir, "origin"), size);
        await using var cluster = await Cluster.StartAsync(new LocalClusterOptions
        {
            WorkDir = workDir, OriginRoot = files.Root, Peers = downloaders + 1, PeerStartConcurrency = 4,
            SupernodeArgs = ["--log:level", "Warning"], PeerArgs = ["--log:level", "Warning"],
        }, cancellationToken);
        var url = cluster.Origin.UrlOf(files.Name);
        var server = cluster.Peers[0];
        await DownloadAsync(server, url, files.Digest, workDir, TimeProvider.System.GetTimestamp(), cancellationToken);
        var ownPeak = ProcessMemory.Read(server.Process.Pid).Peak;
        ProcessMemory.ResetPeak(server.Process.Pid);

        var startedAt = TimeProvider.System.GetTimestamp();
        var served = await Task.WhenAll(cluster.Peers.Skip(1).Select(p => DownloadAsync(p, url, files.Digest, workDir, startedAt, cancellationToken)));
        var seconds = TimeProvider.System.GetElapsedTime(startedAt).TotalSeconds;
        var fromPeers = served.Sum(c => c.FromPeers);
        return new Result(
            ProcessMemory.Read(server.Process.Pid).Peak,
            ownPeak,
            cluster.Peers.Skip(1).Max(p => ProcessMemory.Read(p.Process.Pid).Peak),
            ProcessMemory.Read(cluster.Supernode!.Pid).Peak,
            seconds,
            (double)fromPeers / Math.Max(1, served.Sum(c => c.FromPeers + c.FromSeed + c.FromSource)));
    }

    private static async Task<PeerCompletion> DownloadAsync(PeerHandle peer, Uri url, string digest, string workDir, long startedAt, CancellationToken cancellationToken)
    {
        var output = Path.Combine(workDir, "out-" + peer.Name);
        var completion = await LocalApiDownload.RunAsync(peer, url, digest, output, startedAt, cancellationToken);
        File.Delete(output);
        return completion.Succeeded ? completion : throw new InvalidOperationException($"{peer.Name}: {completion.Error}");
    }
}
