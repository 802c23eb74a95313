using System.Globalization;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>Client configurations from kubeconfig files and from a pod's service account, used against the real apiserver.</summary>
public sealed class KubeconfigTests
{
    private string _dir = "";

    private static KubeTestCluster Cluster => ClientTestsSetUp.Cluster;

    [SetUp]
    public void CreateDir() => _dir = Directory.CreateTempSubdirectory("dragonfly-kubeconfig-").FullName;

    [TearDown]
    public void DeleteDir() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task BuildConfigFromConfigFile_Token_ListsNamespaces()
    {
        var path = Cluster.Server.WriteKubeconfig(Path.Combine(_dir, "token.kubeconfig"), Cluster.Server.Admin);

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

        Assert.That(config.AccessToken, Is.EqualTo(Cluster.Server.AdminToken));
        Assert.That(await NamespaceNamesAsync(config), Does.Contain("kube-system"));
    }

    [Test]
    public async Task BuildConfigFromConfigFile_ClientCertificate_ListsNamespaces()
    {
        var path = Cluster.Server.WriteKubeconfig(Path.Combine(_dir, "cert.kubeconfig"), Cluster.Server.AdminCertificate);

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);

        Assert.Multiple(() =>
        {
            Assert.That(config.AccessToken, Is.Null, "the certificate is the only credential");
            Assert.That(config.ClientCertificate?.HasPrivateKey, Is.True);
        });
        Assert.That(await NamespaceNamesAsync(config), Does.Contain("kube-system"));
    }

    [Test]
    public async Task BuildConfigFromConfigFile_NamedContext_UsesIt()
    {
        var path = Cluster.Server.WriteKubeconfig(Path.Combine(_dir, "token.kubeconfig"), Cluster.Server.Admin);

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, $"{Cluster.Server.Admin.UserName}@dragonfly-test");

        Assert.That(config.Host, Is.EqualTo(Cluster.Server.Server));
        Assert.That(await NamespaceNamesAsync(config), Does.Contain("kube-system"));
    }

    [Test]
    public void BuildConfigFromConfigFile_MissingContext_SaysWhichContext()
    {
        var path = Cluster.Server.WriteKubeconfig(Path.Combine(_dir, "token.kubeconfig"), Cluster.Server.Admin);

        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path, "no-such-context"));

        Assert.That(error!.Message, Does.Contain("no context 'no-such-context'"));
    }

    [Test]
    public void BuildConfigFromConfigFile_MissingFile_SaysWhichFile()
    {
        var path = Path.Combine(_dir, "absent.kubeconfig");

        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

        Assert.That(error!.Message, Does.Contain(path).And.Contain("does not exist"));
    }

    [Test]
    public async Task InClusterConfig_ServiceAccountFilesAndEnvironment_ListsNamespaces()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "token"), Cluster.Server.AdminToken + "\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ca.crt"), Cluster.Server.CaPem);
        await File.WriteAllTextAsync(Path.Combine(_dir, "namespace"), "dragonfly-system\n");
        var port = Cluster.Server.Server.Port.ToString(CultureInfo.InvariantCulture);

        KubernetesClientConfiguration config;
        using (new EnvironmentOverride(("KUBERNETES_SERVICE_HOST", "127.0.0.1"), ("KUBERNETES_SERVICE_PORT", port)))
        {
            config = KubernetesClientConfiguration.InClusterConfig(_dir);
        }

        Assert.Multiple(() =>
        {
            Assert.That(config.Host, Is.EqualTo(Cluster.Server.Server));
            Assert.That(config.Namespace, Is.EqualTo("dragonfly-system"));
            Assert.That(config.TokenFile, Is.EqualTo(Path.Combine(_dir, "token")));
        });
        Assert.That(await NamespaceNamesAsync(config), Does.Contain("kube-system"));
    }

    [Test]
    public void InClusterConfig_NoServiceEnvironment_SaysNotInACluster()
    {
        using var _ = new EnvironmentOverride(("KUBERNETES_SERVICE_HOST", null), ("KUBERNETES_SERVICE_PORT", null));

        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.InClusterConfig(_dir));

        Assert.That(error!.Message, Does.Contain("KUBERNETES_SERVICE_HOST"));
    }

    [Test]
    public void InClusterConfig_NoToken_SaysWhereItLooked()
    {
        using var _ = new EnvironmentOverride(("KUBERNETES_SERVICE_HOST", "127.0.0.1"), ("KUBERNETES_SERVICE_PORT", "6443"));

        var error = Assert.Throws<KubeConfigException>(() => KubernetesClientConfiguration.InClusterConfig(_dir));

        Assert.That(error!.Message, Does.Contain(Path.Combine(_dir, "token")));
    }

    private static async Task<List<string?>> NamespaceNamesAsync(KubernetesClientConfiguration config)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = new KubernetesClient(config);
        return (await client.ListAsync<V1Namespace>(cancellationToken: timeout.Token)).Select(n => n.Metadata.Name).ToList();
    }
}
