using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// A real <c>docker-registry serve</c> (distribution 2.8) on loopback with filesystem storage under the work
/// directory, optionally behind htpasswd or token auth, and the requests it served read back from its log.
/// </summary>
/// <remarks>
/// The registry logs a request when its handler returns. Small bodies (manifests, <c>/v2/</c>, errors) are
/// still in Go's write buffer then and reach the client only afterwards, so their line is always in the log
/// by the time the client has the response. The last bytes of a large blob can reach the client a moment
/// before its line is written; <see cref="AccessLogAsync"/> closes that gap with a marker request.
/// </remarks>
public sealed class DockerRegistry : IAsyncDisposable
{
    private const string SyncMarker = "registry-kit-sync=";
    private readonly DaemonProcess _process;
    private readonly HttpClient _http;

    private DockerRegistry(DaemonProcess process, string listenIp, int port, string workDir)
    {
        _process = process;
        Host = $"{listenIp}:{port.ToString(CultureInfo.InvariantCulture)}";
        BaseAddress = new Uri($"http://{Host}/");
        WorkDir = workDir;
        _http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary><c>http://ip:port/</c></summary>
    public Uri BaseAddress { get; }

    /// <summary><c>ip:port</c>, the registry part of an image reference.</summary>
    public string Host { get; }

    public string WorkDir { get; }

    /// <summary>The registry's stdout and stderr: JSON log lines plus one Apache combined line per request.</summary>
    public string LogPath => _process.LogPath;

    public int Pid => _process.Pid;

    public static async Task<DockerRegistry> StartAsync(DockerRegistryOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var workDir = Path.GetFullPath(options.WorkDir);
        Directory.CreateDirectory(workDir);
        var htpasswd = options.Basic is { } basic ? await WriteHtpasswdAsync(workDir, basic, cancellationToken) : null;
        // Port 0: a port that was free a moment ago; another process may take it first, so a start that
        // fails on a taken port is retried with a new one.
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FreePort(options.ListenIp);
            var configPath = Path.Combine(workDir, "config.yml");
            var config = RegistryConfigFile.Render(options, $"{options.ListenIp}:{port}", Path.Combine(workDir, "data"), htpasswd);
            await File.WriteAllTextAsync(configPath, config, cancellationToken);
            var process = DaemonProcess.Start("docker-registry", "docker-registry", ["serve", configPath], Path.Combine(workDir, "registry.log"));
            var registry = new DockerRegistry(process, options.ListenIp, port, workDir);
            try
            {
                await process.WaitUntilAsync(registry.AnswersAsync, options.StartTimeout, "ready", cancellationToken);
                return registry;
            }
            catch (InvalidOperationException) when (options.Port == 0 && attempt < 5 && process.ReadTail().Contains("address already in use", StringComparison.Ordinal))
            {
                await registry.DisposeAsync();
                File.Delete(registry.LogPath);
            }
            catch
            {
                await registry.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Every request the registry has logged so far, in order. See the remarks on ordering.</summary>
    public IReadOnlyList<RegistryAccess> AccessLog() =>
        RegistryAccessLog.Read(LogPath).Where(a => !a.Uri.Contains(SyncMarker, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// Sends a marker request and waits until its line is in the log, then returns <see cref="AccessLog"/>.
    /// Call it after the clients have finished: every response they had is logged by then.
    /// </summary>
    public async Task<IReadOnlyList<RegistryAccess>> AccessLogAsync(CancellationToken cancellationToken)
    {
        var marker = SyncMarker + Guid.NewGuid().ToString("N");
        using (await _http.GetAsync("/v2/?" + marker, cancellationToken))
        {
        }
        await _process.WaitUntilAsync(
            _ => Task.FromResult(RegistryAccessLog.Read(LogPath).Any(a => a.Uri.Contains(marker, StringComparison.Ordinal))),
            TimeSpan.FromSeconds(10), "logging the marker request " + marker, cancellationToken);
        return AccessLog();
    }

    /// <summary>Successful (2xx) GETs of <c>/v2/&lt;any name&gt;/blobs/&lt;digest&gt;</c>, with or without a query.</summary>
    public IReadOnlyList<RegistryAccess> BlobGets(string digest) =>
        AccessLog().Where(a => IsBlobGet(a) && a.Path.EndsWith("/blobs/" + digest, StringComparison.Ordinal)).ToList();

    /// <summary>Body bytes sent by successful blob GETs (206 ranges count what they sent).</summary>
    public long BlobBytesServed() => AccessLog().Where(IsBlobGet).Sum(a => a.BytesWritten);

    /// <summary><c>name:tag</c> or <c>name@digest</c> on this registry, e.g. <c>127.0.0.1:5000/demo/app:v1</c>.</summary>
    public string Reference(string repositoryAndTag) => $"{Host}/{repositoryAndTag}";

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }

    private static bool IsBlobGet(RegistryAccess access) =>
        access.Method == "GET" && access.IsSuccess && access.Path.StartsWith("/v2/", StringComparison.Ordinal)
        && access.Path.Contains("/blobs/sha256:", StringComparison.Ordinal);

    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("/v2/", cancellationToken);
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // this probe timed out; the caller's deadline decides
        }
    }

    private static async Task<string> WriteHtpasswdAsync(string workDir, HtpasswdCredentials credentials, CancellationToken cancellationToken)
    {
        var result = await ToolProcess.RunAsync("htpasswd", ["-Bbn", credentials.User, credentials.Password], TimeSpan.FromSeconds(30), cancellationToken);
        result.ThrowIfFailed("htpasswd -Bbn");
        var path = Path.Combine(workDir, "htpasswd");
        await File.WriteAllTextAsync(path, result.StdOut.Trim() + "\n", cancellationToken);
        return path;
    }

    private static int FreePort(string ip)
    {
        using var listener = new TcpListener(IPAddress.Parse(ip), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
