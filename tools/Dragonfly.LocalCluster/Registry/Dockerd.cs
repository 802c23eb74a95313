using System.Text.Json;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// A private dockerd 20.10 on an existing containerd, with data, exec root, pidfile, daemon.json and the
/// CLI's config under a work directory and no networking of its own (no iptables, no bridge). Driven with the
/// Debian docker CLI (<c>/usr/bin/docker</c>, the same 20.10 release) through <c>-H unix://SOCKET</c>.
/// </summary>
/// <remarks>
/// The overlay2 storage driver works on this machine (ext4 root, VM kernel 6.18), so no <c>--storage-driver</c>
/// is forced. dockerd 20.10 still creates the empty directory /run/docker/plugins whatever its exec root is.
/// </remarks>
public sealed class Dockerd : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(3);
    private readonly DaemonProcess _process;
    private readonly ShortSocketDirectory _sockets;
    private readonly Dictionary<string, string> _cliEnvironment;

    private Dockerd(DaemonProcess process, ShortSocketDirectory sockets, string socket, string workDir)
    {
        _process = process;
        _sockets = sockets;
        Socket = socket;
        WorkDir = workDir;
        _cliEnvironment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = Path.Combine(workDir, "cli") };
    }

    public string Socket { get; }

    public string WorkDir { get; }

    public string LogPath => _process.LogPath;

    public int Pid => _process.Pid;

    /// <summary>
    /// Starts dockerd. <paramref name="registryMirror"/> (<c>http://host:port</c>) applies to docker.io images
    /// only; <paramref name="insecureRegistries"/> are <c>host:port</c>s spoken to over plain HTTP (127.0.0.0/8
    /// is insecure by default anyway).
    /// </summary>
    public static async Task<Dockerd> StartAsync(string workDir, string containerdSocket, string? registryMirror, IEnumerable<string>? insecureRegistries, CancellationToken cancellationToken)
    {
        workDir = Path.GetFullPath(workDir);
        Directory.CreateDirectory(workDir);
        var sockets = new ShortSocketDirectory(workDir);
        var socket = sockets.File("docker.sock");
        var daemonJson = Path.Combine(workDir, "daemon.json");
        // "deprecated-key-path" exists only in daemon.json (no flag); without it dockerd 20.10 writes its trust
        // key to /etc/docker/key.json.
        await File.WriteAllTextAsync(daemonJson, JsonSerializer.Serialize(new Dictionary<string, string> { ["deprecated-key-path"] = Path.Combine(workDir, "key.json") }), cancellationToken);
        var args = new List<string>
        {
            "-H", "unix://" + socket,
            "--config-file", daemonJson,
            "--data-root", Path.Combine(workDir, "data"),
            "--exec-root", sockets.File("exec"),
            "--pidfile", Path.Combine(workDir, "docker.pid"),
            "--containerd", containerdSocket,
            "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
        };
        if (registryMirror is not null)
        {
            args.AddRange(["--registry-mirror", registryMirror]);
        }
        foreach (var registry in insecureRegistries ?? [])
        {
            args.AddRange(["--insecure-registry", registry]);
        }
        var process = DaemonProcess.Start("dockerd", "dockerd", args, Path.Combine(workDir, "dockerd.log"));
        var dockerd = new Dockerd(process, sockets, socket, workDir);
        try
        {
            await process.WaitUntilAsync(async ct => (await dockerd.RunCliAsync(["version"], ct)).Succeeded, TimeSpan.FromSeconds(60), "ready", cancellationToken);
            return dockerd;
        }
        catch
        {
            await dockerd.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>docker pull IMAGE</c>; a failed pull is returned, not thrown.</summary>
    public Task<ToolResult> PullAsync(string image, CancellationToken cancellationToken) => RunCliAsync(["pull", image], cancellationToken);

    /// <summary><c>docker -H unix://SOCKET ARGS</c> with the CLI's config directory under the work directory.</summary>
    public Task<ToolResult> RunCliAsync(IEnumerable<string> args, CancellationToken cancellationToken) =>
        ToolProcess.RunAsync(CliPath, new[] { "-H", "unix://" + Socket }.Concat(args), CommandTimeout, cancellationToken, _cliEnvironment);

    /// <summary>SIGTERM, then SIGKILL after 20 s; only dockerd's own PID.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.StopAsync(TimeSpan.FromSeconds(20));
        await _process.DisposeAsync();
        _sockets.Dispose();
    }

    /// <summary>The Debian CLI matching this dockerd; PATH may hold a newer one first (/usr/local/bin here).</summary>
    private static string CliPath => File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}
