using Dragonfly.IntegrationTests.Kubernetes.Client;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Events;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary><see cref="EventRecorder"/> writing core/v1 Events about a ConfigMap to a real apiserver.</summary>
public sealed class EventRecorderTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => RuntimeTestsSetUp.Cluster;

    private V1ConfigMap _about = null!;
    private EventRecorder _recorder = null!;

    [SetUp]
    public async Task CreateObjectAsync()
    {
        _about = await Client.CreateAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "subject", Namespace = TestNamespace } }, Token);
        _recorder = new EventRecorder(Client, "dragonfly-tests", TimeProvider.System, Log.For<EventRecorder>());
    }

    [Test]
    public async Task PublishAsync_Once_WritesAnEventAboutTheObject()
    {
        await _recorder.PublishAsync(_about, "Started", "the subject started", EventType.Warning, Token);

        var events = await Client.ListAsync<Corev1Event>(TestNamespace, cancellationToken: Token);
        Assert.That(events, Has.Count.EqualTo(1), Log.ToString());
        Assert.Multiple(() =>
        {
            Assert.That(events[0].Reason, Is.EqualTo("Started"));
            Assert.That(events[0].Message, Is.EqualTo("the subject started"));
            Assert.That(events[0].Type, Is.EqualTo("Warning"));
            Assert.That(events[0].Count, Is.EqualTo(1));
            Assert.That(events[0].InvolvedObject.Kind, Is.EqualTo("ConfigMap"));
            Assert.That(events[0].InvolvedObject.Name, Is.EqualTo("subject"));
            Assert.That(events[0].InvolvedObject.Uid, Is.EqualTo(_about.Metadata.Uid));
            Assert.That(events[0].Source?.Component, Is.EqualTo("dragonfly-tests"));
        });
    }

    [Test]
    public async Task PublishAsync_SameReasonAndMessageTwice_OneEventCountedTwice()
    {
        await _recorder.PublishAsync(_about, "Synced", "config synced", cancellationToken: Token);
        await _recorder.PublishAsync(_about, "Synced", "config synced", cancellationToken: Token);

        var events = await Client.ListAsync<Corev1Event>(TestNamespace, cancellationToken: Token);

        Assert.That(events, Has.Count.EqualTo(1), Log.ToString());
        Assert.That(events[0].Count, Is.EqualTo(2));
        Assert.That(events[0].LastTimestamp, Is.GreaterThanOrEqualTo(events[0].FirstTimestamp!.Value));
    }

    [Test]
    public async Task PublishAsync_DifferentMessage_ASecondEvent()
    {
        await _recorder.PublishAsync(_about, "Synced", "config synced", cancellationToken: Token);
        await _recorder.PublishAsync(_about, "Synced", "config synced again, differently", cancellationToken: Token);

        var events = await Client.ListAsync<Corev1Event>(TestNamespace, cancellationToken: Token);

        Assert.That(events.Select(e => (e.Message, e.Count)), Is.EquivalentTo(new[]
        {
            ("config synced", (int?)1), ("config synced again, differently", (int?)1),
        }), Log.ToString());
        Assert.That(Log.Lines(LogLevel.Warning), Is.Empty);
    }
}
