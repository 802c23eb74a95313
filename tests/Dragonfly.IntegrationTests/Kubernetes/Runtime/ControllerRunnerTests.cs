using System.Threading.Channels;
using Dragonfly.IntegrationTests.Kubernetes.Client;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Controllers;
using Dragonfly.Operator.Runtime.Crds;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary><see cref="ControllerRunner{TEntity}"/> reconciling <see cref="V1Alpha1Gear"/>s of a real apiserver.</summary>
public sealed class ControllerRunnerTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => RuntimeTestsSetUp.Cluster;

    private static readonly TimeSpan BaseBackoff = TimeSpan.FromMilliseconds(50);
    private readonly RecordingGearFinalizer _finalizer = new();
    private CancellationTokenSource _stop = null!;
    private Task _running = Task.CompletedTask;
    private Channel<(WatchEventType Type, V1Alpha1Gear Gear)> _seen = null!;

    [OneTimeSetUp]
    public async Task InstallCrdAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await CrdInstaller.InstallAsync(Client, [typeof(V1Alpha1Gear)], "dragonfly-tests", TimeProvider.System, timeout.Token);
    }

    [SetUp]
    public void CreateStopSource()
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        _seen = Channel.CreateUnbounded<(WatchEventType, V1Alpha1Gear)>();
    }

    [TearDown]
    public async Task StopRunnerAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(TimeSpan.FromSeconds(15));
        _stop.Dispose();
    }

    [Test]
    public async Task RunAsync_GearCreated_ReconciledWithTheFinalizerAdded()
    {
        var controller = new RecordingGearController();
        Start(controller);

        await Client.CreateAsync(Gear("g1", teeth: 10), Token);

        var call = await controller.Calls.ReadAsync(Token);
        var stored = await Client.GetAsync<V1Alpha1Gear>("g1", TestNamespace, Token);
        Assert.Multiple(() =>
        {
            Assert.That(call.Generation, Is.EqualTo(1));
            Assert.That(call.Teeth, Is.EqualTo(10));
            Assert.That(call.Finalizers, Does.Contain(_finalizer.Identifier), "the finalizer is in place before the first reconcile");
            Assert.That(stored!.Metadata.Finalizers, Does.Contain(_finalizer.Identifier));
        });
    }

    [Test]
    public async Task RunAsync_SpecChanged_ReconciledAgainButNotForAStatusChange()
    {
        var controller = new RecordingGearController();
        await Client.CreateAsync(Gear("g1", teeth: 10), Token);
        var runner = Start(controller);
        Assert.That((await controller.Calls.ReadAsync(Token)).Generation, Is.EqualTo(1));

        var statusWritten = await Client.PatchStatusAsync<V1Alpha1Gear>("g1", TestNamespace, new { status = new { phase = "Spinning" } }, Token);
        await SeenAsync(WatchEventType.Modified, g => g.Metadata.ResourceVersion == statusWritten.Metadata.ResourceVersion);
        Assert.That(runner.Queue.Count, Is.Zero, "a status change alone queues nothing");
        await Client.PatchAsync<V1Alpha1Gear>("g1", TestNamespace, new { spec = new { teeth = 20 } }, Token);

        var second = await controller.Calls.ReadAsync(Token);
        Assert.Multiple(() =>
        {
            Assert.That(second.Call, Is.EqualTo(2));
            Assert.That(second.Generation, Is.EqualTo(2), "the reconcile after the first one is the spec change's, not the status change's");
            Assert.That(second.Teeth, Is.EqualTo(20));
        });
    }

    [Test]
    public async Task RunAsync_GearDeleted_FinalizedThenRemoved()
    {
        var controller = new RecordingGearController();
        Start(controller);
        await Client.CreateAsync(Gear("g1", teeth: 10), Token);
        await controller.Calls.ReadAsync(Token);

        await Client.DeleteAsync<V1Alpha1Gear>("g1", TestNamespace, Token);

        var finalized = await _finalizer.Calls.ReadAsync(Token);
        await SeenAsync(WatchEventType.Deleted, g => g.Metadata.Name == "g1");
        var stored = await Client.GetAsync<V1Alpha1Gear>("g1", TestNamespace, Token);
        Assert.Multiple(() =>
        {
            Assert.That(finalized.Metadata.DeletionTimestamp, Is.Not.Null);
            Assert.That(finalized.Metadata.Name, Is.EqualTo("g1"));
            Assert.That(stored, Is.Null, "with its finalizer removed the gear is gone");
            Assert.That(_finalizer.Calls.TryRead(out _), Is.False, "finalized once");
            Assert.That(controller.Count, Is.EqualTo(1), "a gear being deleted is finalized, not reconciled");
        });
    }

    [Test]
    public async Task RunAsync_ReconcileFails_RetriedWithGrowingDelays()
    {
        var controller = new RecordingGearController((call, _, _) =>
            Task.FromResult(call <= 4 ? ReconciliationResult.Failure($"attempt {call} failed") : ReconciliationResult.Success()));
        Start(controller);

        await Client.CreateAsync(Gear("g1", teeth: 10), Token);

        var calls = new List<GearReconcile>();
        for (var i = 0; i < 5; i++)
        {
            calls.Add(await controller.Calls.ReadAsync(Token));
        }
        var gaps = calls.Zip(calls.Skip(1), (before, after) => after.At - before.At).ToList();
        Assert.Multiple(() =>
        {
            for (var i = 0; i < gaps.Count; i++)
            {
                Assert.That(gaps[i], Is.GreaterThanOrEqualTo(BaseBackoff * Math.Pow(2, i) - TimeSpan.FromMilliseconds(5)),
                    $"retry {i + 1} waits base x 2^{i}; gaps were {string.Join(", ", gaps.Select(g => g.TotalMilliseconds))} ms");
            }
            Assert.That(Log.Lines(LogLevel.Warning), Has.Exactly(4).Contains("failed"));
            Assert.That(Log.Lines(LogLevel.Warning), Has.Some.Contains("attempt 4 failed (failure 4"));
        });
    }

    [Test]
    public async Task RunAsync_RequeueAfter_ReconciledAgainWithoutAChange()
    {
        var requeue = TimeSpan.FromMilliseconds(300);
        var controller = new RecordingGearController((call, _, _) =>
            Task.FromResult(ReconciliationResult.Success(call == 1 ? requeue : null)));
        Start(controller);

        await Client.CreateAsync(Gear("g1", teeth: 10), Token);

        var first = await controller.Calls.ReadAsync(Token);
        var second = await controller.Calls.ReadAsync(Token);
        Assert.Multiple(() =>
        {
            Assert.That(second.At - first.At, Is.GreaterThanOrEqualTo(requeue - TimeSpan.FromMilliseconds(5)));
            Assert.That(second.Generation, Is.EqualTo(1), "nothing changed in between");
        });
    }

    /// <summary>
    /// The reconcile writes with a copy someone else changed meanwhile (only a label: no new generation, so the watch
    /// event queues nothing). The conflict must not drop the key: it is reconciled again with the newer copy.
    /// </summary>
    [Test]
    public async Task RunAsync_WriteConflictsWithAMetadataChange_ReconciledAgain()
    {
        var controller = new RecordingGearController(async (call, gear, cancellationToken) =>
        {
            if (call == 1)
            {
                await Client.PatchAsync<V1Alpha1Gear>("g1", TestNamespace, new { metadata = new { labels = new { touched = "yes" } } }, cancellationToken);
                gear.Status = new GearStatus { Phase = "Meshed" };
                await Client.UpdateStatusAsync(gear, cancellationToken);
            }
            return ReconciliationResult.Success();
        });
        Start(controller);

        await Client.CreateAsync(Gear("g1", teeth: 10), Token);

        await controller.Calls.ReadAsync(Token);
        var second = await controller.Calls.ReadAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.That(second.Labels, Does.ContainKey("touched"));
    }

    private ControllerRunner<V1Alpha1Gear> Start(RecordingGearController controller)
    {
        var runner = new ControllerRunner<V1Alpha1Gear>(Client, () => controller, _finalizer, new ControllerOptions
        {
            Namespace = TestNamespace,
            Workers = 2,
            BaseBackoff = BaseBackoff,
            MaxBackoff = TimeSpan.FromSeconds(5),
            ShutdownGrace = TimeSpan.FromSeconds(2),
        }, TimeProvider.System, Log.Factory);
        runner.Informer.AddHandler((type, gear) => _seen.Writer.TryWrite((type, gear)));
        _running = runner.RunAsync(_stop.Token);
        return runner;
    }

    /// <summary>Until the runner's informer has passed on a matching change (its own handler runs first).</summary>
    private async Task SeenAsync(WatchEventType type, Func<V1Alpha1Gear, bool> match)
    {
        while (true)
        {
            var (seenType, gear) = await _seen.Reader.ReadAsync(Token);
            if (seenType == type && match(gear))
            {
                return;
            }
        }
    }

    private V1Alpha1Gear Gear(string name, int teeth) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Namespace = TestNamespace },
        Spec = new GearSpec { Teeth = teeth },
    };
}
