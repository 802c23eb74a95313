using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.LocalCluster.Kubernetes;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>
/// One real kube-apiserver shared by the tests of a namespace (started by its set-up fixture), an admin client of
/// it, and a fresh Kubernetes namespace per test, so that tests never see each other's objects.
/// </summary>
public sealed partial class KubeTestCluster : IAsyncDisposable
{
    private KubeTestCluster(KubeApiServer server)
    {
        Server = server;
        Admin = new KubernetesClient(ConfigurationFor(server.Admin));
    }

    public KubeApiServer Server { get; }

    /// <summary>A client with the admin token (system:masters).</summary>
    public KubernetesClient Admin { get; }

    public static async Task<KubeTestCluster> StartAsync(IReadOnlyList<string> extraArgs)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return new KubeTestCluster(await KubeApiServer.StartAsync(new KubeApiServerOptions { ExtraArgs = extraArgs }, timeout.Token));
    }

    /// <summary>How to reach the apiserver (or <paramref name="host"/>, e.g. a relay in front of it) as <paramref name="credential"/>.</summary>
    public KubernetesClientConfiguration ConfigurationFor(KubeCredential credential, Uri? host = null)
    {
        var ca = new X509Certificate2Collection();
        ca.ImportFromPem(Server.CaPem);
        return new KubernetesClientConfiguration
        {
            Host = host ?? Server.Server,
            AccessToken = credential.Token,
            ClientCertificate = credential.ClientCertificatePem is { } pem ? X509Certificate2.CreateFromPem(pem, credential.ClientKeyPem) : null,
            CaCertificates = ca,
        };
    }

    /// <summary>A new namespace named after the running test.</summary>
    public async Task<string> CreateNamespaceAsync(CancellationToken cancellationToken)
    {
        var test = NotDnsLabel().Replace(TestContext.CurrentContext.Test.MethodName?.ToLowerInvariant() ?? "test", "-").Trim('-');
        var name = $"{test[..Math.Min(test.Length, 50)].TrimEnd('-')}-{Guid.NewGuid().ToString("N")[..8]}";
        await Admin.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } }, cancellationToken);
        return name;
    }

    /// <summary>The apiserver's last log lines when it died, for a failure message.</summary>
    public string Health() => Server.IsRunning ? "kube-apiserver is running" : "kube-apiserver exited:\n" + Server.LogTail();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotDnsLabel();
}
