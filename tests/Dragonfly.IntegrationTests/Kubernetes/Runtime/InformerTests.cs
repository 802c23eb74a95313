using System.Threading.Channels;
using Dragonfly.IntegrationTests.Kubernetes.Client;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Informers;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary><see cref="Informer{T}"/> on ConfigMaps of a real apiserver (see <see cref="RuntimeTestsSetUp"/> for its flags).</summary>
public sealed class InformerTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => RuntimeTestsSetUp.Cluster;


    [Test]
    public async Task RunAsync_AfterSynced_ReflectsCreatesUpdatesAndDeletes()
    {
        await Client.CreateAsync(ConfigMap("a", "1"), Token);
        await Client.CreateAsync(ConfigMap("b", "1"), Token);
        var informer = new Informer<V1ConfigMap>(Client, TestNamespace, null, TimeProvider.System, Log.For<InformerTests>());
        var changes = Record(informer);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var running = informer.RunAsync(stop.Token);

        await informer.Synced.WaitAsync(Token);
        Assert.That(informer.Items.Select(c => c.Metadata.Name), Is.EquivalentTo(new[] { "a", "b" }));
        Assert.That(await NextAsync(changes, "a"), Is.EqualTo(WatchEventType.Added));
        Assert.That(await NextAsync(changes, "b"), Is.EqualTo(WatchEventType.Added));

        await Client.CreateAsync(ConfigMap("c", "1"), Token);
        Assert.That(await NextAsync(changes, "c"), Is.EqualTo(WatchEventType.Added));
        Assert.That(informer.Get(new ObjectKey(TestNamespace, "c")), Is.Not.Null);

        await Client.PatchAsync<V1ConfigMap>("a", TestNamespace, new { data = new { v = "2" } }, Token);
        Assert.That(await NextAsync(changes, "a"), Is.EqualTo(WatchEventType.Modified));
        Assert.That(informer.Get(new ObjectKey(TestNamespace, "a"))!.Data!["v"], Is.EqualTo("2"));

        await Client.DeleteAsync<V1ConfigMap>("b", TestNamespace, Token);
        Assert.That(await NextAsync(changes, "b"), Is.EqualTo(WatchEventType.Deleted));
        Assert.That(informer.Get(new ObjectKey(TestNamespace, "b")), Is.Null);
        Assert.That(informer.Items.Select(c => c.Metadata.Name), Is.EquivalentTo(new[] { "a", "c" }));

        await stop.CancelAsync();
        await running.WaitAsync(Token);
        Assert.That(informer.Lists, Is.EqualTo(1), "an uninterrupted watch never needs a second list");
        Assert.That(Log.Lines(LogLevel.Warning), Is.Empty);
    }

    /// <summary>
    /// Once the informer's watch is delivering (a probe object came through it), its connection is cut and held
    /// while an object is deleted and etcd compacts past the informer's resourceVersion (ConfigMaps bypass the watch cache here). Its resumed watch gets 410 Gone, it lists again,
    /// and only the relist can tell it about the deletion, which its handlers must still see.
    /// </summary>
    [Test]
    public async Task RunAsync_WatchResumedAfterCompaction_RelistsAndReportsTheMissedDeletion()
    {
        await Client.CreateAsync(ConfigMap("kept", "1"), Token);
        await Client.CreateAsync(ConfigMap("deleted", "1"), Token);
        await using var proxy = new SeveringTcpProxy(Cluster.Server.Server);
        using var client = new KubernetesClient(Cluster.ConfigurationFor(Cluster.Server.Admin, proxy.Address));
        var informer = new Informer<V1ConfigMap>(client, TestNamespace, null, TimeProvider.System, Log.For<InformerTests>());
        var changes = Record(informer);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var running = informer.RunAsync(stop.Token);
        await informer.Synced.WaitAsync(Token);
        await Client.CreateAsync(ConfigMap("probe", "1"), Token);
        await NextAsync(changes, "probe", WatchEventType.Added);

        proxy.SeverAndHold();
        await proxy.Held.WaitAsync(Token);
        await Client.DeleteAsync<V1ConfigMap>("deleted", TestNamespace, Token);
        var added = await Client.CreateAsync(ConfigMap("added", "1"), Token);
        await WaitUntilCompactedPastAsync(added.Metadata.ResourceVersion!);
        proxy.Resume();

        await NextAsync(changes, "deleted", WatchEventType.Deleted);
        Assert.Multiple(() =>
        {
            Assert.That(informer.Get(new ObjectKey(TestNamespace, "deleted")), Is.Null);
            Assert.That(informer.Get(new ObjectKey(TestNamespace, "added")), Is.Not.Null, "the relist also brings what was created meanwhile");
            Assert.That(informer.Lists, Is.EqualTo(2));
            Assert.That(Log.Lines(), Has.Some.Contains("expired"), "the relist was caused by 410 Gone");
            Assert.That(Log.Lines(LogLevel.Warning), Is.Empty, "nothing failed on the way");
        });
        await stop.CancelAsync();
        await running.WaitAsync(Token);
    }

    /// <summary>Until a watch from <paramref name="resourceVersion"/> is refused with 410: etcd compacted past it.</summary>
    private async Task WaitUntilCompactedPastAsync(string resourceVersion)
    {
        while (true)
        {
            try
            {
                await foreach (var _ in Client.WatchAsync<V1ConfigMap>(TestNamespace, resourceVersion, timeoutSeconds: 1, cancellationToken: Token))
                {
                }
            }
            catch (KubernetesException e) when (e.IsGone)
            {
                return;
            }
        }
    }

    private static Channel<(WatchEventType Type, string Name)> Record(Informer<V1ConfigMap> informer)
    {
        var changes = Channel.CreateUnbounded<(WatchEventType, string)>();
        informer.AddHandler((type, item) => changes.Writer.TryWrite((type, item.Metadata.Name!)));
        return changes;
    }

    /// <summary>The next change the handlers saw for <paramref name="name"/> (of <paramref name="type"/>, when given).</summary>
    private async Task<WatchEventType> NextAsync(Channel<(WatchEventType Type, string Name)> changes, string name, WatchEventType? type = null)
    {
        while (true)
        {
            var change = await changes.Reader.ReadAsync(Token);
            if (change.Name == name && (type is null || change.Type == type))
            {
                return change.Type;
            }
        }
    }

    private V1ConfigMap ConfigMap(string name, string value) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Namespace = TestNamespace },
        Data = new Dictionary<string, string> { ["v"] = value },
    };
}
