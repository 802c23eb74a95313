using Dragonfly.Kubernetes.Models;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Kubernetes;
using Dragonfly.Operator.Entities;

namespace Dragonfly.IntegrationTests.Kubernetes.Operator;

/// <summary>What a user types: kubectl applies the crds/ files, and kubectl get shows the printer columns.</summary>
[TestFixture]
public sealed class KubectlTests : OperatorFixture
{
    [Test]
    public async Task KubectlApplyOfCrdsFiles_ThenGetShowsPhaseAndProgressOfPreheatTasks_AndReadinessOfSupernodes()
    {
        var apply = await KubeTools.KubectlAsync(Kubeconfig, ["apply", "-f", Path.Combine(ComponentBinaries.RepoRoot, "crds")], TestTimeout.Token);
        apply.ThrowIfFailed("kubectl apply -f crds/");
        Assert.That(apply.StdOut, Does.Contain("customresourcedefinition.apiextensions.k8s.io/preheattasks.dragonfly.io"));

        var cluster = await StartClusterAsync(0);
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "data.bin"), 1 << 20);
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress);
        await CreateAsync(Supernode("sn", spec => spec.Replicas = 2));
        await CreateAsync(new V1Alpha1PreheatTask
        {
            Metadata = new V1ObjectMeta { Name = "files" },
            Spec = new V1Alpha1PreheatTaskSpec { Type = PreheatType.File, Urls = [cluster.Origin.UrlOf("data.bin").AbsoluteUri] },
        });
        await WaitForAsync<V1Alpha1PreheatTask>("files", t => t.Status?.Phase == PreheatPhase.Succeeded, "the preheat to succeed", op);
        await WaitForAsync<V1Alpha1Supernode>("sn", s => s.Status?.ObservedGeneration == 1, "the supernode status", op);

        var tasks = (await KubeTools.KubectlAsync(Kubeconfig, ["get", "preheattasks", "-n", Namespace], TestTimeout.Token)).ThrowIfFailed("kubectl get preheattasks");
        var supernodes = (await KubeTools.KubectlAsync(Kubeconfig, ["get", "sn", "-n", Namespace], TestTimeout.Token)).ThrowIfFailed("kubectl get sn");

        var taskLines = tasks.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(taskLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "NAME", "TYPE", "PHASE", "PROGRESS", "AGE" }));
        Assert.That(taskLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4], Is.EqualTo(new[] { "files", "File", "Succeeded", "1/1" }));
        var supernodeLines = supernodes.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(supernodeLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "NAME", "DESIRED", "READY", "AGE" }));
        Assert.That(supernodeLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..3], Is.EqualTo(new[] { "sn", "2", "0" }));
    }
}
