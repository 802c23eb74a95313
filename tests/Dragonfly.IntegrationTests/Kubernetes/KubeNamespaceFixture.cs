using Dragonfly.IntegrationTests.Kubernetes.Client;
using Dragonfly.IntegrationTests.Kubernetes.Runtime;
using Dragonfly.Kubernetes;

namespace Dragonfly.IntegrationTests.Kubernetes;

/// <summary>
/// A fresh namespace per test on a shared apiserver, a 30 s bound on every wait, and a captured log that is printed
/// (with the apiserver's health) when the test fails.
/// </summary>
public abstract class KubeNamespaceFixture
{
    private CancellationTokenSource _timeout = null!;

    protected abstract KubeTestCluster Cluster { get; }

    protected KubernetesClient Client => Cluster.Admin;

    protected CancellationToken Token => _timeout.Token;

    protected string TestNamespace { get; private set; } = "";

    protected TestLog Log { get; private set; } = null!;

    [SetUp]
    public async Task CreateNamespaceAsync()
    {
        _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        TestNamespace = await Cluster.CreateNamespaceAsync(Token);
        Log = new TestLog();
    }

    [TearDown]
    public async Task DisposeTimeoutAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status != NUnit.Framework.Interfaces.TestStatus.Passed)
        {
            TestContext.Out.WriteLine($"log:\n{Log}\n{Cluster.Health()}");
        }
        Log.Dispose();
        await _timeout.CancelAsync();
        _timeout.Dispose();
    }
}
