using System.Text;
using System.Text.Json;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// A private containerd 1.6 with root, state, sockets and the <c>opt</c> plugin directory under a work
/// directory, driven with <c>ctr</c> in namespace <c>test</c>. Only its own PID is stopped.
/// </summary>
/// <remarks>
/// Without <c>[plugins."io.containerd.internal.v1.opt"] path</c> containerd creates /opt/containerd, so the
/// config sets it. The CRI plugin is disabled (it wants CNI and a kubelet), and so is devmapper (it errors
/// unconfigured). Running containers would still use /run/containerd/s for shim sockets; pulling does not.
/// </remarks>
public sealed class Containerd : IAsyncDisposable
{
    public const string Namespace = "test";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly DaemonProcess _process;
    private readonly ShortSocketDirectory _sockets;

    private Containerd(DaemonProcess process, ShortSocketDirectory sockets, string socket, string workDir)
    {
        _process = process;
        _sockets = sockets;
        Socket = socket;
        WorkDir = workDir;
    }

    /// <summary>The gRPC socket, for <c>ctr -a</c> and <c>dockerd --containerd</c>.</summary>
    public string Socket { get; }

    public string WorkDir { get; }

    public string LogPath => _process.LogPath;

    public int Pid => _process.Pid;

    public static async Task<Containerd> StartAsync(string workDir, CancellationToken cancellationToken)
    {
        workDir = Path.GetFullPath(workDir);
        Directory.CreateDirectory(workDir);
        var sockets = new ShortSocketDirectory(workDir);
        var socket = sockets.File("containerd.sock");
        var configPath = Path.Combine(workDir, "config.toml");
        await File.WriteAllTextAsync(configPath, Config(workDir, socket), cancellationToken);
        var process = DaemonProcess.Start("containerd", "containerd", ["--config", configPath], Path.Combine(workDir, "containerd.log"));
        var containerd = new Containerd(process, sockets, socket, workDir);
        try
        {
            await process.WaitUntilAsync(async ct => (await containerd.CtrAsync(["version"], ct)).Succeeded, TimeSpan.FromSeconds(30), "ready", cancellationToken);
            return containerd;
        }
        catch
        {
            await containerd.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// <c>ctr images pull --snapshotter native --hosts-dir DIR [--platform P | --all-platforms] [--user u:p] REF</c>.
    /// The registry's scheme and mirrors come from <c>DIR/&lt;host&gt;/hosts.toml</c> (<see cref="WriteHostsToml"/>).
    /// Returns the result; a failed pull is not thrown.
    /// </summary>
    /// <remarks>
    /// The pull unpacks the chosen platform into a snapshot. Here both the native and the overlayfs
    /// snapshotter unpack fine (root in a VM); native is used because it needs no mount support at all.
    /// ctr prints progress on stdout and hosts.toml complaints on stderr while still exiting 0.
    /// </remarks>
    public Task<ToolResult> PullAsync(string reference, string hostsDir, string? platform = null, bool allPlatforms = false, string? user = null, CancellationToken cancellationToken = default)
    {
        if (platform is not null && allPlatforms)
        {
            throw new ArgumentException("pass a platform or allPlatforms, not both");
        }
        var args = new List<string> { "images", "pull", "--snapshotter", "native", "--hosts-dir", Path.GetFullPath(hostsDir) };
        if (platform is not null)
        {
            args.AddRange(["--platform", platform]);
        }
        if (allPlatforms)
        {
            args.Add("--all-platforms");
        }
        if (user is not null)
        {
            args.AddRange(["--user", user]);
        }
        args.Add(reference);
        return CtrAsync(args, cancellationToken);
    }

    /// <summary>The digests in the content store (<c>ctr content ls -q</c>).</summary>
    public async Task<IReadOnlyList<string>> ContentDigestsAsync(CancellationToken cancellationToken)
    {
        var result = (await CtrAsync(["content", "ls", "-q"], cancellationToken)).ThrowIfFailed("ctr content ls");
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// <c>ctr images rm --sync REF</c>: removes the image and waits for garbage collection, which deletes its
    /// content and snapshots once nothing else references them, so the next pull of it is cold.
    /// </summary>
    public async Task RemoveImageAsync(string reference, CancellationToken cancellationToken)
    {
        (await CtrAsync(["images", "rm", "--sync", reference], cancellationToken)).ThrowIfFailed($"ctr images rm {reference}");
    }

    /// <summary>Runs <c>ctr -a SOCKET -n test ARGS</c>.</summary>
    public Task<ToolResult> CtrAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        ToolProcess.RunAsync("ctr", new[] { "-a", Socket, "-n", Namespace }.Concat(args), CommandTimeout, cancellationToken);

    /// <summary>
    /// Writes <c>hostsDir/registryHost/hosts.toml</c>: requests for <paramref name="registryHost"/> (a
    /// <c>host:port</c>, or <c>_default</c> for every registry) go to each mirror in order, with
    /// <c>?ns=&lt;registry&gt;</c> appended, then to <paramref name="serverUrl"/>. Returns the file's path.
    /// </summary>
    /// <remarks>
    /// containerd 1.6.20 rejects a hosts.toml holding only <c>server</c> ("failed to decode hosts.toml"
    /// error="invalid `host` tree", printed by ctr on stderr) and then ignores the file, silently using its
    /// defaults (which for a loopback registry also means plain HTTP, so a pull would still work). Without
    /// mirrors the server is therefore also written as a <c>[host]</c> entry, which parses.
    /// </remarks>
    public static string WriteHostsToml(string hostsDir, string registryHost, string serverUrl, IEnumerable<string> mirrorUrls)
    {
        var hosts = mirrorUrls.ToList();
        if (hosts.Count == 0)
        {
            hosts.Add(serverUrl);
        }
        var toml = new StringBuilder();
        toml.AppendLine($"server = {Quote(serverUrl)}");
        foreach (var host in hosts)
        {
            toml.AppendLine();
            toml.AppendLine($"[host.{Quote(host)}]");
            toml.AppendLine("  capabilities = [\"pull\", \"resolve\"]");
        }
        var dir = Path.Combine(Path.GetFullPath(hostsDir), registryHost);
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "hosts.toml");
        File.WriteAllText(path, toml.ToString());
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        _sockets.Dispose();
    }

    private static string Config(string workDir, string socket) => $"""
        version = 2
        root = {Quote(Path.Combine(workDir, "root"))}
        state = {Quote(Path.Combine(workDir, "state"))}
        disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.devmapper"]

        [grpc]
          address = {Quote(socket)}

        [ttrpc]
          address = {Quote(socket + ".ttrpc")}

        [plugins."io.containerd.internal.v1.opt"]
          path = {Quote(Path.Combine(workDir, "opt"))}

        """;

    /// <summary>A TOML basic string; JSON string escapes are valid TOML escapes.</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
