using System.Diagnostics;
using Dragonfly.IntegrationTests.Kubernetes.Client;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Leadership;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>
/// <see cref="LeaderElector"/> over a real Lease, with a 3 s lease, 2 s renew deadline and 0.5 s retry period
/// (<see cref="LeaderCandidate"/>).
/// </summary>
public sealed class LeaderElectorTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => RuntimeTestsSetUp.Cluster;


    [Test]
    public async Task RunAsync_TwoCandidates_ExactlyOneLeads()
    {
        await using var a = Candidate("a");
        await using var b = Candidate("b");

        var first = await Task.WhenAny(a.Leading, b.Leading).WaitAsync(Token);
        var (leader, follower) = first == a.Leading ? (a, b) : (b, a);
        await WaitForRenewalsAsync(leader.Identity, renewals: 3);

        Assert.Multiple(() =>
        {
            Assert.That(follower.Terms, Is.Zero, "the follower campaigned through three renewals without leading");
            Assert.That(follower.Elector.IsLeader, Is.False);
            Assert.That(leader.Elector.IsLeader, Is.True);
            Assert.That(leader.Terms, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RunAsync_LeaderStopped_ReleasesAndTheOtherTakesOverBeforeTheLeaseExpires()
    {
        await using var a = Candidate("a");
        await a.Leading.WaitAsync(Token);
        await using var b = Candidate("b");
        await WaitForRenewalsAsync("a", renewals: 2);

        var handover = Stopwatch.StartNew();
        await a.StopAsync();
        var released = (await Client.GetAsync<V1Lease>(LeaderCandidate.LeaseName, TestNamespace, Token))!;
        await b.Leading.WaitAsync(Token);
        handover.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(released.Spec.HolderIdentity, Is.Null.Or.EqualTo("b"), "a stopped leader hands the lease back");
            Assert.That(a.LostLead.IsCompleted, Is.True, "the stopped leader's lead token was cancelled");
            Assert.That(handover.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)),
                "b took over a released lease at its next retry, not after the 3 s lease ran out");
        });
    }

    [Test]
    public async Task RunAsync_LeaseTakenByAnotherWriter_LeadTokenCancelled()
    {
        await using var a = Candidate("a");
        await a.Leading.WaitAsync(Token);

        await OverwriteHolderAsync("intruder", leaseDurationSeconds: 60);

        await a.LostLead.WaitAsync(Token);
        var lease = (await Client.GetAsync<V1Lease>(LeaderCandidate.LeaseName, TestNamespace, Token))!;
        Assert.Multiple(() =>
        {
            Assert.That(lease.Spec.HolderIdentity, Is.EqualTo("intruder"), "a may not take back a lease someone else holds");
            Assert.That(a.Terms, Is.EqualTo(1));
        });
    }

    /// <summary>
    /// The host stops while a renewal is on its way (held here by a relay in front of the apiserver): the run still
    /// ends normally, after stopping the lead work and handing the lease back.
    /// </summary>
    [Test]
    public async Task RunAsync_StoppedDuringARenewal_ReturnsAndReleasesTheLease()
    {
        await using var proxy = new SeveringTcpProxy(Cluster.Server.Server);
        using var client = new KubernetesClient(Cluster.ConfigurationFor(Cluster.Server.Admin, proxy.Address));
        await using var a = new LeaderCandidate(client, TestNamespace, "a", Log, Token);
        await a.Leading.WaitAsync(Token);

        proxy.SeverAndHold();
        await proxy.Held.WaitAsync(Token);
        await a.CancelAsync();
        proxy.Resume();

        Assert.That(async () => await a.Running.WaitAsync(Token), Throws.Nothing, "a cancelled run returns");
        var lease = (await Client.GetAsync<V1Lease>(LeaderCandidate.LeaseName, TestNamespace, Token))!;
        Assert.Multiple(() =>
        {
            Assert.That(a.LostLead.IsCompleted, Is.True, "the lead work was stopped");
            Assert.That(lease.Spec.HolderIdentity, Is.Null, "the lease was handed back");
        });
    }

    private LeaderCandidate Candidate(string identity) => new(Client, TestNamespace, identity, Log, Token);

    /// <summary>Watches the Lease until <paramref name="holder"/> has renewed it <paramref name="renewals"/> times, failing if anyone else takes it.</summary>
    private async Task WaitForRenewalsAsync(string holder, int renewals)
    {
        var list = await Client.ListWithMetadataAsync<V1Lease>(TestNamespace, cancellationToken: Token);
        var seen = 0;
        await foreach (var change in Client.WatchAsync<V1Lease>(TestNamespace, list.Metadata.ResourceVersion, cancellationToken: Token))
        {
            if (change.Type == WatchEventType.Bookmark)
            {
                continue;
            }
            Assert.That(change.Object.Spec.HolderIdentity, Is.EqualTo(holder), $"the lease changed hands ({change.Type})");
            if (change.Type == WatchEventType.Modified && ++seen == renewals)
            {
                return;
            }
        }
        Assert.Fail("the lease watch ended");
    }

    /// <summary>Writes the Lease as another candidate would, retrying when it races a renewal.</summary>
    private async Task OverwriteHolderAsync(string holder, int leaseDurationSeconds)
    {
        while (true)
        {
            var lease = (await Client.GetAsync<V1Lease>(LeaderCandidate.LeaseName, TestNamespace, Token))!;
            lease.Spec.HolderIdentity = holder;
            lease.Spec.LeaseDurationSeconds = leaseDurationSeconds;
            lease.Spec.RenewTime = DateTimeOffset.UtcNow;
            lease.Spec.LeaseTransitions = (lease.Spec.LeaseTransitions ?? 0) + 1;
            try
            {
                await Client.UpdateAsync(lease, Token);
                return;
            }
            catch (KubernetesException e) when (e.IsConflict)
            {
                // a renewed between our read and write; read again
            }
        }
    }
}
