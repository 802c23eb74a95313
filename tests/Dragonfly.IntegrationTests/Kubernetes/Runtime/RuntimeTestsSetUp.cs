using Dragonfly.IntegrationTests.Kubernetes.Client;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>
/// Starts one apiserver for every test class of this namespace (each tests in namespaces of its own). ConfigMaps
/// bypass the watch cache and etcd is compacted every second, so that a watch resumed from a resourceVersion a few
/// seconds old gets 410 Gone, as on a busy cluster: <see cref="InformerTests"/> makes its informer relist that way.
/// Everything else (custom resources, Leases, Events) is served from the watch cache as usual.
/// </summary>
[SetUpFixture]
public sealed class RuntimeTestsSetUp
{
    private static KubeTestCluster? _cluster;

    public static KubeTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the apiserver of the runtime tests is not running");

    [OneTimeSetUp]
    public async Task StartAsync() =>
        _cluster = await KubeTestCluster.StartAsync(["--watch-cache-sizes=configmaps#0", "--etcd-compaction-interval=1s"]);

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            _cluster = null;
        }
    }
}
