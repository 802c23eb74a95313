using System.Globalization;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>
/// A single-member etcd (Debian's etcd-server 3.4) on 127.0.0.1, plain HTTP, for one apiserver, its data in the
/// work directory. (etcd 3.4 has no <c>--unsafe-no-fsync</c>; with data on tmpfs an apiserver started no faster.)
/// </summary>
internal sealed class Etcd : IAsyncDisposable
{
    private readonly DaemonProcess _process;
    private readonly string _dataDir;
    private readonly HttpClient _http;

    private Etcd(DaemonProcess process, Uri clientUrl, string dataDir)
    {
        _process = process;
        ClientUrl = clientUrl;
        _dataDir = dataDir;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = clientUrl, Timeout = TimeSpan.FromSeconds(5) };
    }

    public Uri ClientUrl { get; }

    public string LogPath => _process.LogPath;

    public static async Task<Etcd> StartAsync(string etcdPath, string workDir, TimeSpan timeout, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Not created here: etcd creates its data directory itself, with the mode (0700) it insists on.
            var dataDir = Path.Combine(workDir, "etcd-data-" + attempt.ToString(CultureInfo.InvariantCulture));
            var clientUrl = $"http://127.0.0.1:{LoopbackPort.Next().ToString(CultureInfo.InvariantCulture)}";
            var peerUrl = $"http://127.0.0.1:{LoopbackPort.Next().ToString(CultureInfo.InvariantCulture)}";
            string[] args =
            [
                "--name=default", "--data-dir=" + dataDir,
                "--listen-client-urls=" + clientUrl, "--advertise-client-urls=" + clientUrl,
                "--listen-peer-urls=" + peerUrl, "--initial-advertise-peer-urls=" + peerUrl,
                "--initial-cluster=default=" + peerUrl, "--initial-cluster-state=new",
                "--logger=zap", "--log-outputs=stderr", "--log-level=warn",
            ];
            var log = Path.Combine(workDir, "etcd.log");
            var process = DaemonProcess.Start("etcd", etcdPath, args, log);
            var etcd = new Etcd(process, new Uri(clientUrl), dataDir);
            try
            {
                await process.WaitUntilAsync(etcd.IsHealthyAsync, timeout, "healthy", cancellationToken);
                return etcd;
            }
            catch (InvalidOperationException) when (attempt < 5 && process.ReadTail().Contains(LoopbackPort.AddressInUse, StringComparison.Ordinal))
            {
                await etcd.DisposeAsync();
                File.Delete(log);
            }
            catch
            {
                await etcd.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.StopAsync(TimeSpan.FromSeconds(5));
        await _process.DisposeAsync();
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private async Task<bool> IsHealthyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync("/health", cancellationToken);
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("\"health\":\"true\"", StringComparison.Ordinal);
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
}
