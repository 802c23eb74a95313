using System.Net.Http.Headers;
using System.Runtime.Versioning;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Measurement;
using Cluster = Dragonfly.LocalCluster.LocalCluster;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// What a peer daemon's piece server costs: the daemon holds a blob and a plain client reads it from
/// <c>/download/{task}</c> as 4 MiB range requests, four at a time (how peers ask for pieces), to memory it
/// throws away. Baseline, interleaved: the same reads from the cluster's origin, a plain Kestrel file server in
/// the bench process. Reported: both throughputs (median of the rounds) and the daemon's CPU per GiB served.
/// </summary>
[SupportedOSPlatform("linux")] // reads /proc, and shares the micro-benchmarks' helpers
public static class PieceServing
{
    private const int PieceSize = 4 * 1024 * 1024;
    private const int InFlight = 4;

    public sealed record Result(double DaemonMibPerSecond, double OriginMibPerSecond, double DaemonCpuSecondsPerGib, int Rounds);

    public static async Task<Result> MeasureAsync(long size, int rounds, string workDir, CancellationToken cancellationToken)
    {
        var files = OriginFiles.Create(Path.Combine(workDir, "origin"), size);
        await using var cluster = await Cluster.StartAsync(new LocalClusterOptions
        {
            WorkDir = workDir, OriginRoot = files.Root, Peers = 1,
            SupernodeArgs = ["--log:level", "Warning"], PeerArgs = ["--log:level", "Warning"],
        }, cancellationToken);
        var peer = cluster.Peers[0];
        var output = Path.Combine(workDir, "out");
        var own = await LocalApiDownload.RunAsync(peer, cluster.Origin.UrlOf(files.Name), files.Digest, output, TimeProvider.System.GetTimestamp(), cancellationToken);
        File.Delete(output);
        if (!own.Succeeded)
        {
            throw new InvalidOperationException($"{peer.Name} could not download the blob: {own.Error}");
        }
        var daemonUrl = new Uri($"http://{peer.Ip}:{peer.Process.Port("uploadPort")}/download/{files.Digest["sha256:".Length..]}");
        var originUrl = cluster.Origin.UrlOf(files.Name);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = InFlight }) { Timeout = Timeout.InfiniteTimeSpan };

        await ReadAllAsync(http, daemonUrl, size, cancellationToken); // warm-up: JIT and connections, both servers
        await ReadAllAsync(http, originUrl, size, cancellationToken);
        var daemon = new double[rounds];
        var origin = new double[rounds];
        var cpuSeconds = 0.0;
        for (var i = 0; i < rounds; i++)
        {
            origin[i] = await ReadAllAsync(http, originUrl, size, cancellationToken);
            var cpu = new ProcessCpu([peer.Process.Pid]);
            daemon[i] = await ReadAllAsync(http, daemonUrl, size, cancellationToken);
            cpuSeconds += cpu.Elapsed();
        }
        var gib = (double)size * rounds / (1L << 30);
        return new Result(MicroBenchmarks.Median(daemon), MicroBenchmarks.Median(origin), cpuSeconds / gib, rounds);
    }

    /// <summary>Reads <paramref name="size"/> bytes in pieces, four requests at a time; returns MiB/s.</summary>
    private static async Task<double> ReadAllAsync(HttpClient http, Uri url, long size, CancellationToken cancellationToken)
    {
        var next = -1L;
        var started = TimeProvider.System.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
        {
            var buffer = new byte[1024 * 1024];
            for (var k = Interlocked.Increment(ref next); k * PieceSize < size; k = Interlocked.Increment(ref next))
            {
                var first = k * PieceSize;
                var last = Math.Min(size, first + PieceSize) - 1;
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Range = new RangeHeaderValue(first, last);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                long got = 0;
                for (int read; (read = await body.ReadAsync(buffer, cancellationToken)) > 0;)
                {
                    got += read;
                }
                if (got != last - first + 1)
                {
                    throw new InvalidOperationException($"{url} sent {got} bytes for {first}-{last}");
                }
            }
        }));
        return size / (1024.0 * 1024) / TimeProvider.System.GetElapsedTime(started).TotalSeconds;
    }
}
