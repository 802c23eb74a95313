using System.Threading.Channels;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Crds;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary><see cref="KubernetesClient.WatchAsync{T}"/> against a real apiserver, with its watch cache on (the default).</summary>
public sealed class KubernetesClientWatchTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => ClientTestsSetUp.Cluster;


    [Test]
    public async Task WatchAsync_FromAListsVersion_SeesLaterAddModifyDelete()
    {
        await Client.CreateAsync(ConfigMap("before", "0"), Token);
        var list = await Client.ListWithMetadataAsync<V1ConfigMap>(TestNamespace, cancellationToken: Token);
        var events = Channel.CreateUnbounded<WatchEvent<V1ConfigMap>>();
        var watching = PumpAsync(Client.WatchAsync<V1ConfigMap>(TestNamespace, list.Metadata.ResourceVersion, cancellationToken: Token), events.Writer);

        var created = await Client.CreateAsync(ConfigMap("later", "1"), Token);
        created.Data!["v"] = "2";
        var updated = await Client.UpdateAsync(created, Token);
        await Client.DeleteAsync<V1ConfigMap>("later", TestNamespace, Token);

        var seen = new List<WatchEvent<V1ConfigMap>>();
        while (seen.Count < 3)
        {
            var change = await events.Reader.ReadAsync(Token);
            if (change.Type != WatchEventType.Bookmark)
            {
                seen.Add(change);
            }
        }
        Assert.Multiple(() =>
        {
            Assert.That(seen.Select(e => (e.Type, e.Object.Metadata.Name)), Is.EqualTo(new[]
            {
                (WatchEventType.Added, "later"), (WatchEventType.Modified, "later"), (WatchEventType.Deleted, "later"),
            }), "the object created before the list is not replayed");
            Assert.That(seen[0].Object.Data!["v"], Is.EqualTo("1"));
            Assert.That(seen[1].Object.Data!["v"], Is.EqualTo("2"));
            Assert.That(seen[1].Object.Metadata.ResourceVersion, Is.EqualTo(updated.Metadata.ResourceVersion));
        });
        Assert.That(watching.IsFaulted, Is.False, () => watching.Exception!.ToString());
    }

    [Test]
    public async Task WatchAsync_LabelSelector_OnlyMatchingObjects()
    {
        var list = await Client.ListWithMetadataAsync<V1ConfigMap>(TestNamespace, cancellationToken: Token);
        var events = Channel.CreateUnbounded<WatchEvent<V1ConfigMap>>();
        var watching = PumpAsync(Client.WatchAsync<V1ConfigMap>(TestNamespace, list.Metadata.ResourceVersion, "app=dragonfly", cancellationToken: Token), events.Writer);

        await Client.CreateAsync(ConfigMap("unlabelled", "1"), Token);
        var labelled = ConfigMap("labelled", "1");
        labelled.Metadata.Labels = new Dictionary<string, string> { ["app"] = "dragonfly" };
        await Client.CreateAsync(labelled, Token);

        WatchEvent<V1ConfigMap> first;
        do
        {
            first = await events.Reader.ReadAsync(Token);
        }
        while (first.Type == WatchEventType.Bookmark);
        Assert.That(first.Object.Metadata.Name, Is.EqualTo("labelled"), "the earlier unlabelled object was filtered out");
        Assert.That(watching.IsFaulted, Is.False, () => watching.Exception!.ToString());
    }

    /// <summary>
    /// A watch cache serves events since the revision at which it first listed etcd. The caches of built-in kinds start
    /// with the apiserver, when a fresh etcd is still near revision 1, so a ConfigMap watch from "1" is served. The
    /// cache of a custom resource starts when its CRD is established, after that CRD's own write, so revision 1 is
    /// always older than its window: the apiserver answers 410 "too old resource version" (as an ERROR event on a 200
    /// response), which the client turns into the exception.
    /// </summary>
    [Test]
    public async Task WatchAsync_FromAVersionOlderThanTheWatchCache_IsGone()
    {
        using (var install = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await CrdInstaller.InstallAsync(Client, [typeof(V1Alpha1Sprocket)], "dragonfly-tests", TimeProvider.System, install.Token);
        }
        await Client.CreateAsync(new V1Alpha1Sprocket { Metadata = new V1ObjectMeta { Name = "s1", Namespace = TestNamespace } }, Token);

        var error = Assert.ThrowsAsync<KubernetesException>(async () =>
        {
            await foreach (var change in Client.WatchAsync<V1Alpha1Sprocket>(TestNamespace, "1", cancellationToken: Token))
            {
                Assert.Fail($"expected the watch to be refused, got {change.Type} {change.Object.Metadata.Name}");
            }
        });

        Assert.Multiple(() =>
        {
            Assert.That(error!.IsGone, Is.True, error.Message);
            Assert.That(error.Message, Does.Contain("too old resource version: 1"));
        });
    }

    [Test]
    public async Task WatchAsync_CallerCancelsAnOpenWatch_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        var events = Channel.CreateUnbounded<WatchEvent<V1ConfigMap>>();
        var watching = PumpAsync(Client.WatchAsync<V1ConfigMap>(TestNamespace, null, cancellationToken: cancel.Token), events.Writer);
        await Client.CreateAsync(ConfigMap("a", "1"), Token);
        while ((await events.Reader.ReadAsync(Token)).Type != WatchEventType.Added)
        {
        }

        await cancel.CancelAsync();

        Assert.That(async () => await watching.WaitAsync(Token), Throws.InstanceOf<OperationCanceledException>());
    }

    private static async Task PumpAsync(IAsyncEnumerable<WatchEvent<V1ConfigMap>> watch, ChannelWriter<WatchEvent<V1ConfigMap>> events)
    {
        try
        {
            await foreach (var change in watch)
            {
                await events.WriteAsync(change);
            }
            events.TryComplete();
        }
        catch (Exception e)
        {
            events.TryComplete(e);
            throw;
        }
    }

    private V1ConfigMap ConfigMap(string name, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Namespace = TestNamespace },
        Data = new Dictionary<string, string> { ["v"] = value },
    };
}
