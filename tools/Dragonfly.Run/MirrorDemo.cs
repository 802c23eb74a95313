using System.Runtime.InteropServices;
using Dragonfly.Core;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Registry;
using Cluster = Dragonfly.LocalCluster.LocalCluster;

namespace Dragonfly.Run;

/// <summary>
/// <c>make run-mirror</c>: a real docker-registry holding a multi-layer image, one supernode and N peer daemons,
/// and beside each peer a real containerd whose hosts.toml sends the registry's pulls to that peer's mirror.
/// Every node pulls at once; the registry's own access log then tells how many bytes of blobs left it.
/// </summary>
public static class MirrorDemo
{
    public static async Task<int> RunAsync()
    {
        if (MirrorDemoOptions.FromEnvironment(out var error) is not { } options)
        {
            Console.Error.WriteLine("make run-mirror: " + error);
            return 2;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            Console.Error.WriteLine("make run-mirror: needs root (it runs containerd, which unpacks layers as root)");
            return 2;
        }
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        var workDir = Path.Combine(Path.GetTempPath(), $"dragonfly-run-mirror-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        var exitCode = 1;
        try
        {
            exitCode = await RunInAsync(options, workDir, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("make run-mirror: interrupted");
            exitCode = 130;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"make run-mirror: {e.GetType().Name}: {e.Message}");
        }
        // Every process has stopped by now (RunInAsync disposes them); what is left is data and logs.
        if (exitCode == 0)
        {
            DeleteWorkDir(workDir);
        }
        else
        {
            KeepOnlyLogs(workDir);
            Console.Error.WriteLine($"make run-mirror: failed; the logs are in {workDir}");
        }
        return exitCode;
    }

    private static async Task<int> RunInAsync(MirrorDemoOptions options, string workDir, CancellationToken cancellationToken)
    {
        Console.WriteLine($"Building a {options.LayerSizes.Count}-layer OCI image ({string.Join(", ", options.LayerSizes.Select(ByteSize.Format))}) ...");
        var layout = Path.Combine(workDir, "layout");
        var image = await OciImageBuilder.CreateAsync(layout, options.Tag, options.LayerSizes, seed: 1, arch: HostArchitecture(), cancellationToken: cancellationToken);

        await using var registry = await DockerRegistry.StartAsync(new DockerRegistryOptions { WorkDir = Path.Combine(workDir, "registry") }, cancellationToken);
        var reference = registry.Reference($"{options.Repository}:{options.Tag}");
        Console.WriteLine($"Pushing it with skopeo to a docker-registry at {registry.BaseAddress} (pid {registry.Pid}) ...");
        await Skopeo.PushAsync(layout, options.Tag, reference, null, cancellationToken);

        Console.WriteLine($"Starting a supernode, {options.Nodes} peer daemons and a containerd beside each (logs in {workDir}) ...");
        var originRoot = Directory.CreateDirectory(Path.Combine(workDir, "origin")).FullName; // the cluster's origin; unused here
        await using var cluster = await Cluster.StartAsync(new LocalClusterOptions
        {
            WorkDir = Path.Combine(workDir, "cluster"),
            OriginRoot = originRoot,
            Peers = options.Nodes,
            PeerArgs = ["--mirror:registries:0", "http://" + registry.Host], // the registry speaks plain HTTP
        }, cancellationToken);
        Console.WriteLine($"  supernode  {cluster.SupernodeAddress} (pid {cluster.Supernode!.Pid})");
        var nodes = new List<(PeerHandle Peer, Containerd Containerd, string HostsDir)>();
        try
        {
            foreach (var peer in cluster.Peers)
            {
                var containerd = await Containerd.StartAsync(Path.Combine(workDir, "containerd-" + peer.Name), cancellationToken);
                var hostsDir = Path.Combine(workDir, "certs.d-" + peer.Name);
                Containerd.WriteHostsToml(hostsDir, registry.Host, "http://" + registry.Host, ["http://" + peer.MirrorAddress]);
                nodes.Add((peer, containerd, hostsDir));
                Console.WriteLine($"  {peer.Name,-10} mirror http://{peer.MirrorAddress} (pid {peer.Process.Pid}), containerd pid {containerd.Pid}");
            }

            Console.WriteLine($"Pulling {reference} on every node at once with ctr, each through its own peer's mirror ...");
            var expected = image.AllBlobs.Select(b => b.Digest).ToHashSet();
            var started = TimeProvider.System.GetTimestamp();
            var pulls = await Task.WhenAll(nodes.Select(n => PullAsync(n.Peer.Name, n.Containerd, reference, n.HostsDir, expected, cancellationToken)));
            var wall = TimeProvider.System.GetElapsedTime(started);

            await registry.AccessLogAsync(cancellationToken);
            MirrorDemoReport.Write(Console.Out, image, pulls, wall, registry);
            var failed = pulls.Count(p => !p.Succeeded);
            if (failed > 0)
            {
                Console.Error.WriteLine($"make run-mirror: {failed} of {pulls.Length} pulls failed");
                return 1;
            }
            return 0;
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.Containerd.DisposeAsync();
            }
        }
    }

    private static async Task<MirrorDemoPull> PullAsync(string node, Containerd containerd, string reference, string hostsDir, IReadOnlySet<string> expected, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var result = await containerd.PullAsync(reference, hostsDir, cancellationToken: cancellationToken);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        var present = result.Succeeded ? (await containerd.ContentDigestsAsync(cancellationToken)).Count(expected.Contains) : 0;
        return new MirrorDemoPull(node, elapsed, result, present, expected.Count);
    }

    /// <summary>The image's architecture: containerd unpacks only a manifest for its own platform.</summary>
    private static string HostArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        _ => "amd64",
    };

    private static void DeleteWorkDir(string workDir)
    {
        try
        {
            Directory.Delete(workDir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"make run-mirror: could not remove {workDir}: {e.Message}");
        }
    }

    /// <summary>After a failure: drops the image, registry storage, peer data and containerd roots, keeps every *.log.</summary>
    private static void KeepOnlyLogs(string workDir)
    {
        if (!Directory.Exists(workDir))
        {
            return;
        }
        try
        {
            foreach (var file in Directory.EnumerateFiles(workDir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".log", StringComparison.Ordinal)).ToList())
            {
                File.Delete(file);
            }
            foreach (var dir in Directory.EnumerateDirectories(workDir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
            {
                if (!Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    Directory.Delete(dir);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"make run-mirror: could not clear the data under {workDir}: {e.Message}");
        }
    }
}
