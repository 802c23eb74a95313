using Dragonfly.Kubernetes.Models;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Kubernetes.Operator;

/// <summary>Two operator processes with leader election: one leads; when it is killed, the other takes the Lease and reconciles.</summary>
[TestFixture]
public sealed class LeaderElectionOperatorTests : OperatorFixture
{
    [Test]
    public async Task TwoOperators_OneLeads_AndTheOtherTakesOverWhenTheLeaderIsKilled()
    {
        string[] Args(string identity) =>
        [
            "--leaderElection:enabled", "true", "--leaderElection:identity", identity, "--leaderElection:leaseNamespace", Namespace,
            "--leaderElection:leaseDuration", "00:00:04", "--leaderElection:renewDeadline", "00:00:03", "--leaderElection:retryPeriod", "00:00:00.500",
        ];
        var a = await StartOperatorAsync("operator-a", Args("operator-a"));
        await WaitForAsync<V1Lease>("dragonfly-operator", l => l.Spec.HolderIdentity == "operator-a", "operator-a to lead", a);
        var b = await StartOperatorAsync("operator-b", Args("operator-b"));
        await CreateAsync(Supernode("one"));
        await WaitForAsync<V1StatefulSet>("one", _ => true, "the leader to reconcile Supernode one", a);
        var lease = await Kube.GetAsync<V1Lease>("dragonfly-operator", Namespace, TestTimeout.Token);
        Assert.That(lease!.Spec.HolderIdentity, Is.EqualTo("operator-a"), "operator-b stays a candidate while operator-a renews");

        await a.KillAsync();

        var taken = await WaitForAsync<V1Lease>("dragonfly-operator", l => l.Spec.HolderIdentity == "operator-b", "operator-b to take over the Lease", b);
        Assert.That(taken.Spec.LeaseTransitions, Is.EqualTo(1));
        await CreateAsync(Supernode("two"));
        await WaitForAsync<V1StatefulSet>("two", _ => true, "the new leader to reconcile Supernode two", b);

        // A graceful stop (SIGTERM, as the kubelet sends) hands the Lease back instead of letting it expire.
        (await ToolProcess.RunAsync("kill", ["-TERM", b.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10), TestTimeout.Token)).ThrowIfFailed("kill -TERM");
        var released = await WaitForAsync<V1Lease>("dragonfly-operator", l => string.IsNullOrEmpty(l.Spec.HolderIdentity), "operator-b to release the Lease on SIGTERM", b);
        Assert.That(released.Spec.LeaseDurationSeconds, Is.EqualTo(1));
        Assert.That(() => b.HasExited, Is.True.After(10).Seconds.PollEvery(100).MilliSeconds, "the operator exits after a SIGTERM");
    }

    [Test]
    public async Task LeaderWhoseLeaseIsTaken_StepsDownWithinTheRenewDeadline_AndExits()
    {
        var op = await StartOperatorAsync("operator", "--leaderElection:enabled", "true", "--leaderElection:identity", "operator",
            "--leaderElection:leaseNamespace", Namespace, "--leaderElection:leaseDuration", "00:00:04",
            "--leaderElection:renewDeadline", "00:00:03", "--leaderElection:retryPeriod", "00:00:00.500");
        var lease = await WaitForAsync<V1Lease>("dragonfly-operator", l => l.Spec.HolderIdentity == "operator", "the operator to lead", op);

        // Another party takes the lease (as a standby would after a partition): the operator can no longer renew.
        lease.Spec.HolderIdentity = "intruder";
        lease.Spec.RenewTime = DateTimeOffset.UtcNow;
        await Kube.UpdateAsync(lease, TestTimeout.Token);

        Assert.That(() => op.HasExited, Is.True.After(15).Seconds.PollEvery(100).MilliSeconds, "a leader that lost its lease stops reconciling and exits");
        Assert.That(op.ExitCode, Is.EqualTo(1), "exit code 1, so the kubelet restarts it as a fresh candidate");
    }
}
