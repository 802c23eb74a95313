using System.Globalization;
using System.Net;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>
/// A real kube-apiserver (v1.20.2, built by tools/kube-apiserver/build.sh) with its own etcd, both on
/// 127.0.0.1 only, with a fresh PKI, static tokens and RBAC. No controller-manager or scheduler runs: objects
/// are stored and validated, nothing acts on them.
/// </summary>
/// <remarks>
/// Users: <c>admin</c> (token, group system:masters), the same admin as a client certificate
/// (CN=admin, O=system:masters), and <c>limited</c> (token, no groups: only what RBAC gives every
/// authenticated user). The ServiceAccount admission plugin is off, since without the token controller it
/// would refuse every pod; the endpoint reconciler is off, since a loopback endpoint for the kubernetes
/// service fails validation.
/// </remarks>
public sealed class KubeApiServer : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string LimitedUser = "limited";
    private readonly DaemonProcess _process;
    private readonly Etcd _etcd;
    private readonly KubeCertificates _certificates;
    private readonly bool _ownsWorkDir;
    private bool _disposed;

    private KubeApiServer(DaemonProcess process, Etcd etcd, KubeCertificates certificates, int port, string workDir, bool ownsWorkDir,
        KubeStaticToken admin, KubeStaticToken limited)
    {
        _process = process;
        _etcd = etcd;
        _certificates = certificates;
        Server = new Uri($"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        WorkDir = workDir;
        _ownsWorkDir = ownsWorkDir;
        Admin = KubeCredential.FromToken(AdminUser, admin.Token);
        Limited = KubeCredential.FromToken(LimitedUser, limited.Token);
        AdminCertificate = KubeCredential.FromClientCertificate(AdminUser + "-cert", certificates.AdminCertificatePem, certificates.AdminKeyPem);
    }

    /// <summary><c>https://127.0.0.1:port</c></summary>
    public Uri Server { get; }

    public string WorkDir { get; }

    /// <summary>kube-apiserver's stdout and stderr.</summary>
    public string LogPath => _process.LogPath;

    public string EtcdLogPath => _etcd.LogPath;

    /// <summary>False once kube-apiserver has exited (crashed, or stopped by dispose).</summary>
    public bool IsRunning => !_disposed && !_process.HasExited;

    /// <summary>The last lines kube-apiserver wrote, for failure messages.</summary>
    public string LogTail(int lines = 30) => _process.ReadTail(lines);

    public KubeCredential Admin { get; }

    public KubeCredential Limited { get; }

    /// <summary>The admin as a client certificate issued by the client CA (CN=admin, O=system:masters).</summary>
    public KubeCredential AdminCertificate { get; }

    public string AdminToken => Admin.Token!;

    public string LimitedToken => Limited.Token!;

    /// <summary>The CA that issued the serving certificate (for 127.0.0.1 and localhost).</summary>
    public string CaPem => _certificates.CaPem;

    public string CaFile => _certificates.CaFile;

    public string AdminCertificateFile => _certificates.AdminCertificateFile;

    public string AdminKeyFile => _certificates.AdminKeyFile;

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options, CancellationToken cancellationToken)
    {
        options ??= new KubeApiServerOptions();
        options.Validate();
        var apiServerPath = KubeBinaries.KubeApiServer;
        var etcdPath = KubeBinaries.Etcd;
        var ownsWorkDir = options.WorkDir is null;
        var workDir = options.WorkDir is { } dir ? Directory.CreateDirectory(Path.GetFullPath(dir)).FullName : Directory.CreateTempSubdirectory("dragonfly-kube-").FullName;
        Etcd? etcd = null;
        try
        {
            var certificates = await KubeCertificates.CreateAsync(Path.Combine(workDir, "pki"), TimeProvider.System.GetUtcNow(), cancellationToken);
            var admin = KubeStaticToken.Create(AdminUser, "system:masters");
            var limited = KubeStaticToken.Create(LimitedUser);
            var tokenFile = Path.Combine(workDir, "tokens.csv");
            PrivateFile.Write(tokenFile, string.Concat(options.Tokens.Prepend(limited).Prepend(admin).Select(t => t.ToCsvLine() + "\n")));
            etcd = await Etcd.StartAsync(etcdPath, workDir, options.StartTimeout, cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPort.Next();
                var log = Path.Combine(workDir, "kube-apiserver.log");
                var process = DaemonProcess.Start("kube-apiserver", apiServerPath, Flags(options, certificates, etcd, tokenFile, port, workDir), log);
                var server = new KubeApiServer(process, etcd, certificates, port, workDir, ownsWorkDir, admin, limited);
                try
                {
                    using var http = server.CreateHttpClient();
                    await process.WaitUntilAsync(ct => IsReadyAsync(http, ct), options.StartTimeout, "ready (/readyz)", cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 5 && process.ReadTail().Contains(LoopbackPort.AddressInUse, StringComparison.Ordinal))
                {
                    await process.DisposeAsync();
                    File.Delete(log);
                }
                catch
                {
                    await process.DisposeAsync();
                    throw;
                }
            }
        }
        catch
        {
            // The work directory stays: the exception names the logs in it.
            if (etcd is not null)
            {
                await etcd.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>Writes a kubeconfig for <paramref name="credential"/> (default: the admin token) and returns its path.</summary>
    public string WriteKubeconfig(string path, KubeCredential? credential = null) =>
        KubeconfigFile.Write(path, Server, CaPem, credential ?? Admin);

    /// <summary>A client of this apiserver that trusts its CA and sends <paramref name="credential"/> (default: the admin token).</summary>
    public HttpClient CreateHttpClient(KubeCredential? credential = null) => KubeHttpClient.Create(Server, CaPem, credential ?? Admin);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _process.StopAsync(TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        await _etcd.DisposeAsync();
        if (_ownsWorkDir && Directory.Exists(WorkDir))
        {
            Directory.Delete(WorkDir, recursive: true);
        }
    }

    private static List<string> Flags(KubeApiServerOptions options, KubeCertificates certificates, Etcd etcd, string tokenFile, int port, string workDir) =>
    [
        "--etcd-servers=" + etcd.ClientUrl.GetLeftPart(UriPartial.Authority),
        "--bind-address=127.0.0.1",
        "--secure-port=" + port.ToString(CultureInfo.InvariantCulture),
        "--advertise-address=127.0.0.1",
        "--endpoint-reconciler-type=none",
        "--cert-dir=" + Path.Combine(workDir, "cert-dir"),
        "--tls-cert-file=" + certificates.ServingCertificateFile,
        "--tls-private-key-file=" + certificates.ServingKeyFile,
        "--client-ca-file=" + certificates.ClientCaFile,
        "--token-auth-file=" + tokenFile,
        "--authorization-mode=RBAC",
        "--service-account-key-file=" + certificates.ServiceAccountPublicKeyFile,
        "--service-account-signing-key-file=" + certificates.ServiceAccountKeyFile,
        "--service-account-issuer=https://kubernetes.default.svc",
        "--api-audiences=https://kubernetes.default.svc",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--allow-privileged=true",
        "--disable-admission-plugins=ServiceAccount",
        "--profiling=false",
        .. options.ExtraArgs,
    ];

    private static async Task<bool> IsReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/readyz", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
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
