using System.Text.Json;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Entities;

namespace Dragonfly.IntegrationTests.Kubernetes.Operator;

/// <summary>The operator process against a real kube-apiserver: a Supernode becomes its owned objects, and its status follows the StatefulSet.</summary>
[TestFixture]
public sealed class SupernodeOperatorTests : OperatorFixture
{
    [Test]
    public async Task Supernode_BecomesOwnedStatefulSetServicesConfigMapAndBudget_AndReportsReadiness()
    {
        var op = await StartOperatorAsync();
        var supernode = await CreateAsync(Supernode("sn", spec =>
        {
            spec.Replicas = 3;
            spec.Storage.Size = "2Gi";
            spec.RateLimits.BackToSource = "100M";
        }));

        var sts = await WaitForAsync<V1StatefulSet>("sn", _ => true, "the StatefulSet exists", op);
        var headless = await Kube.GetAsync<V1Service>("sn-headless", Namespace, TestTimeout.Token);
        var client = await Kube.GetAsync<V1Service>("sn", Namespace, TestTimeout.Token);
        var config = await WaitForAsync<V1ConfigMap>("sn-config", _ => true, "the ConfigMap exists", op);
        var budget = await WaitForAsync<V1Beta1PodDisruptionBudget>("sn", _ => true, "the policy/v1beta1 PodDisruptionBudget exists (1.20 serves no policy/v1)", op);
        using var settings = JsonDocument.Parse(config.Data!["supernode.json"]);
        Assert.Multiple(() =>
        {
            foreach (var child in new KubernetesObject[] { sts, headless!, client!, config, budget })
            {
                Assert.That(child.Metadata.OwnerReferences!.Single(r => r.Controller == true).Uid, Is.EqualTo(supernode.Metadata.Uid), $"{child.Kind} is owned by the Supernode");
            }
            Assert.That(sts.Spec.Replicas, Is.EqualTo(3));
            Assert.That(sts.Spec.Template.Spec.Containers.Single().Image, Is.EqualTo("dragonfly/supernode:test"));
            Assert.That(sts.Spec.VolumeClaimTemplates!.Single().Spec.Resources!.Requests!["storage"], Is.EqualTo("2Gi"));
            Assert.That(headless!.Spec.ClusterIP, Is.EqualTo("None"));
            Assert.That(client!.Spec.Ports!.Select(p => p.Port), Is.EquivalentTo(new[] { 8002, 8001, 8000 }));
            Assert.That(settings.RootElement.GetProperty("backToSourceRateLimit").GetString(), Is.EqualTo("100M"));
            Assert.That(budget.Spec.MaxUnavailable!.IntValue, Is.EqualTo(1));
        });

        var progressing = await WaitForAsync<V1Alpha1Supernode>("sn", s => s.Status?.ObservedGeneration == 1, "the first status", op);
        Assert.That(progressing.Status!.Endpoints, Has.Count.EqualTo(3).And.Contains($"sn-0.sn-headless.{Namespace}.svc:8002"));
        Assert.That(Status(progressing, "Ready"), Is.EqualTo("False"));
        Assert.That(Status(progressing, "Progressing"), Is.EqualTo("True"));

        // No controller-manager runs here: play its part and report the pods ready. A merge patch, not an update:
        // the operator applies the StatefulSet on every reconcile, and on 1.20 even an apply that changes nothing
        // moves its resourceVersion (managedFields times), so an update from the copy read above can conflict.
        var readyStatus = new V1StatefulSetStatus { ObservedGeneration = sts.Metadata.Generation, Replicas = 3, ReadyReplicas = 3, CurrentReplicas = 3, UpdatedReplicas = 3 };
        await Kube.PatchStatusAsync<V1StatefulSet>("sn", Namespace, new { status = readyStatus }, TestTimeout.Token);

        var ready = await WaitForAsync<V1Alpha1Supernode>("sn", s => Status(s, "Ready") == "True", "Ready after the StatefulSet reports 3 ready replicas", op);
        Assert.That((ready.Status!.ReadyReplicas, Status(ready, "Progressing"), Status(ready, "Degraded")), Is.EqualTo((3, "False", "False")));
        var events = await Kube.ListAsync<Corev1Event>(Namespace, cancellationToken: TestTimeout.Token);
        Assert.That(events.Where(e => e.InvolvedObject.Uid == supernode.Metadata.Uid).Select(e => e.Reason), Does.Contain("Applied"));

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{op.Port("healthPort")}/metrics", TestTimeout.Token);
        await Promtool.AssertValidAsync(metrics, Path.Combine(WorkDir, "operator.metrics"), "the operator's /metrics", TestTimeout.Token);
        Assert.That(metrics, Does.Match("dragonfly_operator_reconciles_total\\{controller=\"V1Alpha1Supernode\",result=\"success\"\\} [1-9]"));
    }

    [Test]
    public async Task Supernode_SpecChange_RollsTheStatefulSet()
    {
        var op = await StartOperatorAsync();
        await CreateAsync(Supernode());
        var before = await WaitForAsync<V1StatefulSet>("sn", _ => true, "the StatefulSet exists", op);
        var hashBefore = before.Spec.Template.Metadata!.Annotations!["dragonfly.io/config-hash"];

        await Kube.PatchAsync<V1Alpha1Supernode>("sn", Namespace, new { spec = new { image = "dragonfly/supernode:v2", rateLimits = new { upload = "1G" } } }, TestTimeout.Token);

        var after = await WaitForAsync<V1StatefulSet>("sn", s => s.Spec.Template.Spec.Containers[0].Image == "dragonfly/supernode:v2", "the new image in the pod template", op);
        Assert.That(after.Spec.Template.Metadata!.Annotations!["dragonfly.io/config-hash"], Is.Not.EqualTo(hashBefore), "a config change rolls the pods");
        var config = await Kube.GetAsync<V1ConfigMap>("sn-config", Namespace, TestTimeout.Token);
        Assert.That(config!.Data!["supernode.json"], Does.Contain("\"uploadRateLimit\": \"1G\""));
        var status = await WaitForAsync<V1Alpha1Supernode>("sn", s => s.Status?.ObservedGeneration == 2, "status of generation 2", op);
        Assert.That(Status(status, "Ready"), Is.EqualTo("False"));
    }

    [TestCase("{\"image\":\"x\",\"replicas\":0}", "spec.replicas")]
    [TestCase("{\"image\":\"x\",\"storage\":{\"size\":\"ten gigs\"}}", "spec.storage.size")]
    [TestCase("{\"replicas\":1}", "spec.image")]
    [TestCase("{\"image\":\"x\",\"imagePullPolicy\":\"Sometimes\"}", "spec.imagePullPolicy")]
    [TestCase("{\"image\":\"x\",\"ports\":{\"grpc\":70000}}", "spec.ports.grpc")]
    public void Supernode_InvalidSpec_IsRefusedByTheApiServer_NamingTheField(string spec, string field) =>
        AssertRefusedByTheApiServer<V1Alpha1Supernode, V1Alpha1SupernodeSpec, V1Alpha1SupernodeStatus>(spec, field);

    private static string? Status(V1Alpha1Supernode supernode, string type) =>
        supernode.Status?.Conditions.FirstOrDefault(c => c.Type == type)?.Status;
}
