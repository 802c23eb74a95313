namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>
/// Starts one apiserver (default flags) for every test class of this namespace: each class starting its own would
/// spend about five seconds per class on start-up. Tests isolate themselves with a namespace each.
/// </summary>
[SetUpFixture]
public sealed class ClientTestsSetUp
{
    private static KubeTestCluster? _cluster;

    public static KubeTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the apiserver of the client tests is not running");

    [OneTimeSetUp]
    public async Task StartAsync() => _cluster = await KubeTestCluster.StartAsync([]);

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
