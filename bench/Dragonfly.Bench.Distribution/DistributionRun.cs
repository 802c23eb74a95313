using System.Globalization;
using Dragonfly.Core.Pieces;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Measurement;
using Cluster = Dragonfly.LocalCluster.LocalCluster;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// One experiment: the origin (capped at u_s), a supernode whose seed uploads at most u_s, N peer daemons
/// as real processes with host-level caps u_i / d_i, each on its own loopback address. Every peer first
/// fetches a small warm-up file (so no process JIT-compiles its download path inside the measurement), then
/// all N ask their own daemon for the file at the same instant; each completion time counts from that instant
/// to the daemon's "done" (content verified against the file's digest, written to its output).
/// </summary>
public static class DistributionRun
{
    private const int VerifiedSample = 2;
    private static readonly TimeSpan IdlePause = TimeSpan.FromSeconds(5);

    public static async Task<DistributionResult> RunAsync(DistributionOptions options, int peers, OriginFiles files, string runName, CancellationToken cancellationToken)
    {
        var storage = StoragePlan.Choose(options, peers, runName);
        Directory.CreateDirectory(storage.Root);
        try
        {
            var result = await RunInAsync(options, peers, files, storage, cancellationToken);
            if (options.KeepLogs)
            {
                KeepOnlyLogs(storage.Root);
                Console.WriteLine($"  N={peers}: the component logs are in {storage.Root}");
            }
            else
            {
                TryDelete(storage.Root);
            }
            return result;
        }
        catch
        {
            KeepOnlyLogs(storage.Root);
            Console.Error.WriteLine($"  N={peers} failed; the component logs are in {storage.Root}");
            throw;
        }
        finally
        {
            if (Directory.Exists(storage.Outputs))
            {
                TryDelete(storage.Outputs); // when they were on disk, beside the data rather than in it
            }
        }
    }

    private static async Task<DistributionResult> RunInAsync(DistributionOptions options, int peers, OriginFiles files, StoragePlan storage, CancellationToken cancellationToken)
    {
        var rate = (long r) => r.ToString(CultureInfo.InvariantCulture);
        List<string> supernodeArgs = ["--uploadRateLimit", rate(options.OriginRate), "--log:level", Environment.GetEnvironmentVariable("SUPERNODE_LOG") ?? "Warning"];
        supernodeArgs.AddRange(["--pieceSize:min", options.PieceMin]);
        Console.WriteLine($"  N={peers}: starting the supernode and {peers} peer daemons (data on {storage.Kind}, {storage.Root}) ...");
        var starting = TimeProvider.System.GetTimestamp();
        var cluster = await Cluster.StartAsync(new LocalClusterOptions
        {
            WorkDir = storage.Root,
            OriginRoot = files.Root,
            OriginRateLimit = options.OriginRate,
            Peers = peers,
            PeerStartConcurrency = 8,
            StartTimeout = TimeSpan.FromMinutes(3),
            SupernodeArgs = [.. supernodeArgs, .. options.SupernodeArgs],
            PeerArgs = ["--uploadRateLimit", rate(options.PeerUpload), "--downloadRateLimit", rate(options.PeerDownload), "--log:level", Environment.GetEnvironmentVariable("PEER_LOG") ?? "Warning",
                "--download:maxPiecesPerParent", options.PiecesPerParent.ToString(CultureInfo.InvariantCulture), .. options.PeerArgs],
            PeerEnvironment = CrowdedHostRuntime.PeerEnvironment,
        }, cancellationToken);
        var outputs = Directory.CreateDirectory(storage.Outputs).FullName;
        var bound = options.BoundFor(peers);
        PeerCompletion[] completions;
        long originBytes;
        double machineBusy;
        double supernodeCpu, peersCpu, idleCores;
        try
        {
            Console.WriteLine($"  N={peers}: started in {TimeProvider.System.GetElapsedTime(starting).TotalSeconds:0} s; warming up ...");
            var warmups = await DownloadAllAsync(cluster, files.WarmupName, files.WarmupDigest, outputs, "warmup", keep: 0, cancellationToken);
            if (warmups.FirstOrDefault(c => !c.Succeeded) is { } failedWarmup)
            {
                throw new InvalidOperationException($"warm-up download on {failedWarmup.Peer} failed: {failedWarmup.Error}");
            }
            // A pause after the warm-up, which also measures what the idle daemons cost.
            var idle = new ProcessCpu(cluster.Peers.Select(p => p.Process.Pid));
            var idleStarted = TimeProvider.System.GetTimestamp();
            await Task.Delay(IdlePause, cancellationToken);
            idleCores = idle.Elapsed() / TimeProvider.System.GetElapsedTime(idleStarted).TotalSeconds;
            Console.WriteLine($"  N={peers}: idle, the {peers} daemons used {idleCores:0.00} cores together");

            Console.WriteLine($"  N={peers}: distributing {files.Name} (bound D = {bound.Seconds:0.0} s, {bound.Term}) ...");
            var egressBefore = cluster.Origin.BytesServed;
            var load = new MachineLoad();
            var supernodeLoad = new ProcessCpu([cluster.Supernode!.Pid]);
            var peersLoad = new ProcessCpu(cluster.Peers.Select(p => p.Process.Pid));
            completions = await DownloadAllAsync(cluster, files.Name, files.Digest, outputs, "file", keep: VerifiedSample, cancellationToken);
            machineBusy = load.BusyFraction();
            supernodeCpu = supernodeLoad.Elapsed();
            peersCpu = peersLoad.Elapsed();
            originBytes = cluster.Origin.BytesServed - egressBefore;
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        VerifySample(outputs, files, options.FileSize);
        var succeeded = completions.Where(c => c.Succeeded).ToArray();
        var total = Math.Max(1, succeeded.Sum(c => c.FromSource + c.FromSeed + c.FromPeers));
        foreach (var failure in completions.Where(c => !c.Succeeded).Take(5))
        {
            Console.WriteLine($"    {failure.Peer} FAILED: {failure.Error}");
        }
        return new DistributionResult(
            peers, options, PieceSizeOf(options), storage.Kind, bound,
            CompletionSummary.Of(succeeded.Select(c => c.Seconds).ToArray()),
            completions.Length - succeeded.Length,
            succeeded.Count(c => c.FromSource > 0),
            (double)originBytes / options.FileSize,
            (double)succeeded.Sum(c => c.FromSeed) / options.FileSize,
            (double)succeeded.Sum(c => c.FromPeers) / total,
            machineBusy,
            supernodeCpu,
            peersCpu,
            idleCores,
            Baseline: null);
    }

    /// <summary>Every peer asks its daemon for <paramref name="name"/> at once; outputs are deleted as they arrive except the first <paramref name="keep"/>.</summary>
    private static async Task<PeerCompletion[]> DownloadAllAsync(
        Cluster cluster, string name, string digest, string outputs, string label, int keep, CancellationToken cancellationToken)
    {
        var url = cluster.Origin.UrlOf(name);
        var startedAt = TimeProvider.System.GetTimestamp();
        return await Task.WhenAll(cluster.Peers.Select(async peer =>
        {
            var output = Path.Combine(outputs, $"{label}-{peer.Name}");
            var completion = await LocalApiDownload.RunAsync(peer, url, digest, output, startedAt, cancellationToken);
            if (peer.Index >= keep)
            {
                File.Delete(output);
            }
            return completion;
        }));
    }

    /// <summary>The daemons verified every copy against the digest; this re-checks a sample of outputs independently.</summary>
    private static void VerifySample(string outputs, OriginFiles files, long size)
    {
        foreach (var output in Directory.GetFiles(outputs, "file-*"))
        {
            var info = new FileInfo(output);
            if (info.Length != size || "sha256:" + TestFiles.Sha256Of(output) != files.Digest)
            {
                throw new InvalidOperationException($"{output} does not match the origin's file");
            }
            info.Delete();
        }
    }

    private static int PieceSizeOf(DistributionOptions options)
    {
        var min = (int)Dragonfly.Core.ByteSize.Parse(options.PieceMin);
        return new PieceSizePolicy(min, PieceSizePolicy.Default.Max, PieceSizePolicy.Default.TargetCount).PieceSizeFor(options.FileSize);
    }

    /// <summary>After a failure: drops data and outputs (they may be in memory), keeps every component's log.</summary>
    private static void KeepOnlyLogs(string root)
    {
        foreach (var directory in Directory.Exists(root) ? Directory.GetDirectories(root) : [])
        {
            TryDelete(directory);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"  could not remove {directory}: {e.Message}");
        }
    }
}
