using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Supernodes;

namespace Dragonfly.Operator.Tests.Supernodes;

public sealed class SupernodeStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static V1StatefulSet StatefulSet(long generation, long observed, int replicas, int ready, int updated) => new()
    {
        Metadata = new V1ObjectMeta { Generation = generation },
        Status = new V1StatefulSetStatus { ObservedGeneration = observed, Replicas = replicas, ReadyReplicas = ready, UpdatedReplicas = updated },
    };

    private static string Condition(Entities.V1Alpha1SupernodeStatus status, string type) => status.Conditions.Single(c => c.Type == type).Status;

    [Test]
    public void AllReplicasReadyAndUpdated_IsReady()
    {
        var status = SupernodeStatusBuilder.Build(SupernodeResourcesTests.Supernode(), StatefulSet(2, 2, 3, 3, 3), null, Now);

        Assert.That((Condition(status, "Ready"), Condition(status, "Progressing"), Condition(status, "Degraded")), Is.EqualTo(("True", "False", "False")));
        Assert.That((status.ReadyReplicas, status.ObservedGeneration), Is.EqualTo((3, 1L)));
    }

    [Test]
    public void RollingOut_IsProgressingNotDegraded()
    {
        var status = SupernodeStatusBuilder.Build(SupernodeResourcesTests.Supernode(), StatefulSet(3, 2, 3, 3, 1), null, Now);

        Assert.That((Condition(status, "Ready"), Condition(status, "Progressing"), Condition(status, "Degraded")), Is.EqualTo(("False", "True", "False")));
    }

    [Test]
    public void RolledOutButNotReady_IsDegraded_WithAHint()
    {
        var status = SupernodeStatusBuilder.Build(SupernodeResourcesTests.Supernode(), StatefulSet(2, 2, 3, 1, 3), null, Now);

        Assert.That(Condition(status, "Degraded"), Is.EqualTo("True"));
        Assert.That(status.Conditions.Single(c => c.Type == "Degraded").Message, Does.Contain("2 replicas").And.Contain("kubectl describe pod"));
    }

    [Test]
    public void ApplyError_IsDegraded_WithTheServersWords()
    {
        var status = SupernodeStatusBuilder.Build(SupernodeResourcesTests.Supernode(), null, "spec: Forbidden: updates to statefulset spec", Now);

        Assert.That(status.Conditions.Single(c => c.Type == "Degraded").Message, Does.Contain("Forbidden"));
        Assert.That(status.Conditions.Single(c => c.Type == "Degraded").Reason, Is.EqualTo("ApplyFailed"));
    }
}
