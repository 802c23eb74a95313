using System.Text.Json.Nodes;
using Dragonfly.IntegrationTests.Kubernetes.Operator;
using Dragonfly.Kubernetes.Models;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Kubernetes;
using Dragonfly.LocalCluster.Registry;
using Dragonfly.Operator.Entities;

namespace Dragonfly.IntegrationTests.Chart;

/// <summary>
/// charts/dragonfly with the real helm: lint, rendered objects, the values schema, the init container's hosts.toml
/// driving a real containerd, the operator running on nothing but the chart's RBAC, and an install into a real
/// kube-apiserver that accepts every object.
/// </summary>
[TestFixture]
public sealed class ChartTests : OperatorFixture
{
    [Test]
    public async Task HelmLintStrict_Passes()
    {
        var lint = await KubeTools.HelmAsync(WorkDir, ["lint", "--strict", RenderedChart.ChartDir], TestTimeout.Token);

        lint.ThrowIfFailed("helm lint --strict");
        Assert.That(lint.StdOut, Does.Contain("0 chart(s) failed"));
    }

    [Test]
    public async Task Defaults_RenderTheOperatorTheDefaultSupernodeAndThePeerDaemonSet_WithTheImagesMakeImagesBuilds()
    {
        var chart = await RenderedChart.RenderAsync(WorkDir, "{}", TestTimeout.Token, "--include-crds");

        var supernode = chart.Get("Supernode", "test-dragonfly-supernode");
        var operatorPod = chart.Get("Deployment", "test-dragonfly-operator")["spec"]!["template"]!["spec"]!;
        var peerPod = chart.Get("DaemonSet", "test-dragonfly-peer")["spec"]!["template"]!["spec"]!;
        var peerConfig = JsonNode.Parse((string)chart.Get("ConfigMap", "test-dragonfly-peer")["data"]!["peer.json"]!)!;
        Assert.Multiple(() =>
        {
            Assert.That(chart.OfKind("CustomResourceDefinition").Select(c => (string?)c["metadata"]!["name"]), Is.EquivalentTo(new[] { "supernodes.dragonfly.io", "preheattasks.dragonfly.io" }));
            Assert.That((long)supernode["spec"]!["replicas"]!, Is.EqualTo(3));
            Assert.That((string?)supernode["spec"]!["image"], Is.EqualTo("dragonfly/supernode:0.1.0"));
            Assert.That((string?)operatorPod["containers"]![0]!["image"], Is.EqualTo("dragonfly/operator:0.1.0"));
            Assert.That((string?)peerPod["containers"]![0]!["image"], Is.EqualTo("dragonfly/peer-daemon:0.1.0"));
            Assert.That((bool?)peerPod["hostNetwork"], Is.True);
            Assert.That((string?)peerPod["tolerations"]![0]!["operator"], Is.EqualTo("Exists"));
            Assert.That((string?)peerConfig["supernodes"], Is.EqualTo(string.Join(',', Enumerable.Range(0, 3)
                .Select(i => $"test-dragonfly-supernode-{i}.test-dragonfly-supernode-headless.dragonfly-system.svc:8002"))),
                "peers hash tasks over the same pod names the operator puts in the Supernode's status");
            Assert.That((string?)operatorPod["securityContext"]!["seccompProfile"]!["type"], Is.EqualTo("RuntimeDefault"));
            Assert.That((bool?)operatorPod["containers"]![0]!["securityContext"]!["runAsNonRoot"], Is.True);
            Assert.That(chart.OfKind("NetworkPolicy").Concat(chart.OfKind("ServiceMonitor")).Concat(chart.OfKind("PodDisruptionBudget")), Is.Empty, "optional objects are off by default");
        });
    }

    [Test]
    public async Task OptionalObjects_AndANamespacedOperator_RenderWhenAskedFor()
    {
        var chart = await RenderedChart.RenderAsync(WorkDir, """
            operator: {watchNamespace: apps, podDisruptionBudget: {enabled: true}}
            supernode: {enabled: false}
            metrics: {serviceMonitor: {enabled: true, labels: {release: prom}}, grafanaDashboard: {enabled: true}}
            networkPolicy: {enabled: true}
            """, TestTimeout.Token);
        var dashboard = chart.Get("ConfigMap", "test-dragonfly-dashboard");

        Assert.Multiple(() =>
        {
            Assert.That(chart.OfKind("Supernode"), Is.Empty);
            Assert.That(chart.OfKind("ClusterRole"), Is.Empty, "a namespaced operator gets no cluster-wide rights");
            Assert.That((string?)chart.Get("Role", "test-dragonfly-operator")["metadata"]!["namespace"], Is.EqualTo("apps"));
            Assert.That(chart.OfKind("ServiceMonitor").Concat(chart.OfKind("PodMonitor")).Select(s => (string?)s["metadata"]!["labels"]!["release"]), Is.EqualTo(new[] { "prom", "prom", "prom" }));
            Assert.That(chart.OfKind("NetworkPolicy").Count(), Is.EqualTo(2));
            Assert.That(chart.OfKind("PodDisruptionBudget").Count(), Is.EqualTo(1));
            Assert.That((string?)dashboard["metadata"]!["labels"]!["grafana_dashboard"], Is.EqualTo("1"));
            Assert.That((string?)JsonNode.Parse((string)dashboard["data"]!["dragonfly.json"]!)!["uid"], Is.EqualTo("dragonfly-overview"));
        });
    }

    [Test]
    public async Task TlsAndCacheValues_ReachThePeerConfig_TheSupernodeTheOperator_AndTheProbes()
    {
        var chart = await RenderedChart.RenderAsync(WorkDir, """
            tls: {secretName: dragonfly-tls, clientAuth: true, mirror: true}
            peer: {cache: {quota: 40Gi, ttl: "12:00:00"}}
            supernode: {cacheQuota: 200Gi}
            metrics: {serviceMonitor: {enabled: true}}
            """, TestTimeout.Token);

        var supernode = chart.Get("Supernode", "test-dragonfly-supernode")["spec"]!;
        var peerPod = chart.Get("DaemonSet", "test-dragonfly-peer")["spec"]!["template"]!["spec"]!;
        var peerContainer = peerPod["containers"]![0]!;
        var operatorContainer = chart.Get("Deployment", "test-dragonfly-operator")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        var peerConfig = JsonNode.Parse((string)chart.Get("ConfigMap", "test-dragonfly-peer")["data"]!["peer.json"]!)!;
        Assert.Multiple(() =>
        {
            Assert.That(peerConfig["tls"]!.ToJsonString(), Is.EqualTo(
                """{"caFile":"/etc/dragonfly/tls/ca.crt","certFile":"/etc/dragonfly/tls/tls.crt","clientAuth":true,"keyFile":"/etc/dragonfly/tls/tls.key"}"""));
            Assert.That(peerConfig["cache"]!.ToJsonString(), Is.EqualTo("""{"quota":"40Gi","ttl":"12:00:00"}"""));
            Assert.That((string?)peerPod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == "tls")!["secret"]!["secretName"], Is.EqualTo("dragonfly-tls"));
            // The kubelet has no client certificate: it probes the metrics port, which serves TLS without asking for one.
            Assert.That(peerContainer["readinessProbe"]!["httpGet"]!.ToJsonString(), Is.EqualTo("""{"path":"/readyz","port":"metrics","scheme":"HTTPS"}"""));
            Assert.That(peerContainer["livenessProbe"]!["httpGet"]!.ToJsonString(), Is.EqualTo("""{"path":"/healthz","port":"metrics","scheme":"HTTPS"}"""));
            Assert.That((string?)operatorContainer["readinessProbe"]!["httpGet"]!["scheme"], Is.EqualTo("HTTPS"), "the operator's health port serves HTTPS too");
            Assert.That((bool?)peerConfig["mirror"]!["tls"], Is.True);
            var init = peerPod["initContainers"]![0]!;
            Assert.That(init["args"]!.AsArray().Select(a => (string?)a), Is.SupersetOf(new[] { "https://127.0.0.1:65001", "--ca-file", "/etc/dragonfly/tls/ca.crt" }));
            Assert.That(init["volumeMounts"]!.AsArray().Select(m => (string?)m!["name"]), Does.Contain("tls"), "the init container reads ca.crt from the Secret");
            foreach (var monitor in chart.OfKind("ServiceMonitor").Select(m => m["spec"]!["endpoints"]![0]!).Concat(chart.OfKind("PodMonitor").Select(m => m["spec"]!["podMetricsEndpoints"]![0]!)))
            {
                Assert.That((string?)monitor["scheme"], Is.EqualTo("https"));
                Assert.That((string?)monitor["tlsConfig"]!["ca"]!["secret"]!["name"], Is.EqualTo("dragonfly-tls"));
            }
            Assert.That((string?)supernode["tlsSecretName"], Is.EqualTo("dragonfly-tls"));
            Assert.That((bool?)supernode["tlsClientAuth"], Is.True);
            Assert.That((string?)supernode["cacheQuota"], Is.EqualTo("200Gi"));
            Assert.That(operatorContainer["env"]!.AsArray().Select(e => (string?)e!["name"]), Is.SupersetOf(new[] { "DRAGONFLY_tls__caFile", "DRAGONFLY_tls__certFile", "DRAGONFLY_tls__keyFile" }));
        });
    }

    [TestCase("supernode: {replicas: three}", "/supernode/replicas", "got string, want integer")]
    [TestCase("peer: {cacheSize: 10Gi}", "/peer", "additional properties 'cacheSize' not allowed")]
    [TestCase("supernode: {storage: {size: ten gigs}}", "/supernode/storage/size", "does not match pattern")]
    [TestCase("imagePullPolicy: Sometimes", "/imagePullPolicy", "value must be one of")]
    [TestCase("peer: {cache: {ttl: 6h}}", "/peer/cache/ttl", "does not match pattern")]
    [TestCase("tls: {secretName: My_Secret}", "/tls/secretName", "does not match pattern")]
    [TestCase("containerd: {registries: [\"bad/name\"]}", "/containerd/registries/0", "does not match pattern")]
    [TestCase("peer: {ports: {mirror: 70000}}", "/peer/ports/mirror", "maximum")]
    [TestCase("tls: {mirror: true}", "tls.mirror", "set tls.secretName too")]
    public async Task BadValues_AreRejectedByTheSchema_NamingTheKey(string values, string key, string why)
    {
        var file = Path.Combine(WorkDir, "bad.yaml");
        await File.WriteAllTextAsync(file, values);

        var result = await KubeTools.HelmAsync(WorkDir, ["template", "test", RenderedChart.ChartDir, "-f", file], TestTimeout.Token);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.StdErr, Does.Contain(key).And.Contain(why));
    }

    [Test]
    public async Task Rbac_IsExactlyWhatTheOperatorUses_AndEnoughToRunIt()
    {
        var chart = await RenderedChart.RenderAsync(WorkDir, "{}", TestTimeout.Token);
        var role = chart.Get("ClusterRole", "test-dragonfly-operator");
        var rules = role["rules"]!.AsArray().Select(r => (
            Groups: string.Join(',', r!["apiGroups"]!.AsArray().Select(g => (string?)g)),
            Resources: string.Join(',', r!["resources"]!.AsArray().Select(g => (string?)g)),
            Verbs: string.Join(',', r!["verbs"]!.AsArray().Select(g => (string?)g)))).ToList();
        Assert.That(rules, Is.EquivalentTo(new[]
        {
            ("dragonfly.io", "supernodes", "get,list,watch"),
            ("dragonfly.io", "preheattasks", "list,watch,delete"),
            ("dragonfly.io", "supernodes/status,preheattasks/status", "patch"),
            ("dragonfly.io", "supernodes/finalizers", "update"),
            ("apps", "statefulsets", "list,watch,create,patch"),
            ("", "services,configmaps", "create,patch"),
            ("policy", "poddisruptionbudgets", "create,patch"),
            ("", "secrets", "get"),
            ("", "events", "create,patch"),
        }));
        Assert.That(chart.Get("Role", "test-dragonfly-operator-leader-election")["rules"]![0]!["verbs"]!.AsArray().Select(v => (string?)v), Is.EqualTo(new[] { "get", "create", "update" }));

        // Bind exactly these roles to a user that has nothing else, and run the operator as that user.
        await ApplyRbacForUserAsync(chart, RbacOperatorToken.User);
        var cluster = await StartClusterAsync(0);
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "file.bin"), 1 << 20);
        var op = await StartOperatorAsync("operator", "--kubeconfig", WriteRbacOperatorKubeconfig(Path.Combine(WorkDir, "rbac-kubeconfig")),
            "--leaderElection:enabled", "true", "--leaderElection:leaseNamespace", Namespace, "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress);
        await CreateAsync(Supernode("sn", spec => spec.Replicas = 2));
        await CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "headers" }, StringData = new() { ["X-Test"] = "1" } });
        await CreateAsync(new V1Alpha1PreheatTask
        {
            Metadata = new V1ObjectMeta { Name = "file" },
            Spec = new V1Alpha1PreheatTaskSpec { Type = PreheatType.File, Urls = [cluster.Origin.UrlOf("file.bin").AbsoluteUri], HeadersSecretName = "headers", TtlSecondsAfterFinished = 0 },
        });

        await WaitForAsync<V1Beta1PodDisruptionBudget>("sn", _ => true, "the PodDisruptionBudget, the last object a Supernode gets", op);
        await WaitForAsync<V1Alpha1Supernode>("sn", s => s.Status?.ObservedGeneration == 1, "the Supernode's status", op);
        await WaitForGoneAsync<V1Alpha1PreheatTask>("file", "the file preheat to succeed and be deleted by its TTL");
        var events = await Kube.ListAsync<Corev1Event>(Namespace, cancellationToken: TestTimeout.Token);
        Assert.That(events.Select(e => e.Reason), Does.Contain("Applied").And.Contain("Succeeded"));
        // \b403\b: a 403 status, not a port such as 40373 in the log's addresses.
        Assert.That(File.ReadAllText(op.LogPath), Does.Not.Contain("Forbidden").And.Not.Match(@"\b403\b"), "the operator was never refused");
    }

    [Test]
    public async Task InitContainerHostsToml_RealContainerdPullsThroughTheMirror_AndFallsBackToTheRegistryWhenThePeerIsGone()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [1 << 20, 4 << 20]);
        await PushImageAsync(registry, "demo/other", [2 << 20], seed: 7);
        var mirrorPort = LoopbackPort.Next();
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:listenIp", "127.0.0.1", "--mirror:port", mirrorPort.ToString(), "--mirror:registries:0", "http://" + registry.Host]);
        var chart = await RenderedChart.RenderAsync(WorkDir, $$$"""
            peer: {ports: {mirror: {{{mirrorPort}}}}}
            containerd: {registries: ["{{{registry.Host}}}=http://{{{registry.Host}}}", docker.io], mirrorAllRegistries: true}
            """, TestTimeout.Token);
        var init = chart.Get("DaemonSet", "test-dragonfly-peer")["spec"]!["template"]!["spec"]!["initContainers"]![0]!;
        var certsDir = Path.Combine(WorkDir, "certs.d");
        Assert.That(init["command"]!.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { "dotnet", "/app/Dragonfly.PeerDaemon.dll" }));
        Assert.That((string?)init["volumeMounts"]![0]!["mountPath"], Is.EqualTo("/host/certs.d"));

        // Run the init container's command as rendered, with the node's certs.d mount pointing at a test directory.
        var args = init["args"]!.AsArray().Select(a => (string)a! == "/host/certs.d" ? certsDir : (string)a!).ToList();
        (await ToolProcess.RunAsync("dotnet", [ComponentBinaries.PeerDaemon, .. args], TimeSpan.FromSeconds(60), TestTimeout.Token)).ThrowIfFailed("the init container's containerd-hosts");

        Assert.That(File.ReadAllText(Path.Combine(certsDir, registry.Host, "hosts.toml")), Does.Contain($"server = \"http://{registry.Host}\"").And.Contain($"[host.\"http://127.0.0.1:{mirrorPort}\"]"));
        Assert.That(File.ReadAllText(Path.Combine(certsDir, "docker.io", "hosts.toml")), Does.Contain("server = \"https://registry-1.docker.io\""));
        Assert.That(File.Exists(Path.Combine(certsDir, "_default", "hosts.toml")), Is.True);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr"), TestTimeout.Token));

        (await containerd.PullAsync(registry.Reference("demo/app:v1"), certsDir, cancellationToken: TestTimeout.Token)).ThrowIfFailed("ctr pull with the chart's hosts.toml");

        var log = await registry.AccessLogAsync(TestTimeout.Token);
        Assert.That(log.Where(a => a.Method == "GET" && a.Path.Contains("/blobs/", StringComparison.Ordinal) && a.UserAgent.Contains("containerd", StringComparison.Ordinal)), Is.Empty,
            "containerd fetched no blob itself: the mirror did");
        Assert.That(image.Layers.Select(l => registry.BlobGets(l.Digest).Count), Is.All.EqualTo(1));

        await cluster.Peers[0].Process.KillAsync();
        (await containerd.PullAsync(registry.Reference("demo/other:v1"), certsDir, cancellationToken: TestTimeout.Token)).ThrowIfFailed("ctr pull with the peer daemon gone (registry fallback)");
    }

    [Test]
    public async Task HelmInstall_IntoARealApiServer_AcceptsEveryObject_AndUninstalls()
    {
        var kubeconfig = Kubeconfig;
        string[] common = ["--kubeconfig", kubeconfig, "--namespace", Namespace];

        var install = await KubeTools.HelmAsync(WorkDir, ["install", "dragonfly", RenderedChart.ChartDir, .. common,
            "--set", "networkPolicy.enabled=true", "--set", "operator.podDisruptionBudget.enabled=true", "--set", "containerd.mirrorAllRegistries=true"], TestTimeout.Token);

        install.ThrowIfFailed("helm install into the test apiserver");
        var supernode = await Kube.GetAsync<V1Alpha1Supernode>("dragonfly-supernode", Namespace, TestTimeout.Token);
        Assert.That(supernode!.Spec.Replicas, Is.EqualTo(3));
        var objects = await KubeTools.KubectlAsync(kubeconfig, ["get", "deployment,daemonset,configmap,service,networkpolicy,poddisruptionbudget,role,rolebinding", "-n", Namespace, "-o", "name"], TestTimeout.Token);
        Assert.That(objects.ThrowIfFailed("kubectl get").StdOut, Does.Contain("deployment.apps/dragonfly-operator").And.Contain("daemonset.apps/dragonfly-peer")
            .And.Contain("networkpolicy.networking.k8s.io/dragonfly-supernode").And.Contain("poddisruptionbudget.policy/dragonfly-operator"));

        (await KubeTools.HelmAsync(WorkDir, ["uninstall", "dragonfly", .. common], TestTimeout.Token)).ThrowIfFailed("helm uninstall");
        Assert.That(await Kube.GetAsync<V1Alpha1Supernode>("dragonfly-supernode", Namespace, TestTimeout.Token), Is.Null);
    }

    private async Task ApplyRbacForUserAsync(RenderedChart chart, string user)
    {
        var documents = new List<JsonObject>();
        foreach (var binding in chart.OfKind("ClusterRoleBinding").Concat(chart.OfKind("RoleBinding")))
        {
            var copy = (JsonObject)binding.DeepClone();
            copy["subjects"] = new JsonArray(new JsonObject { ["kind"] = "User", ["name"] = user, ["apiGroup"] = "rbac.authorization.k8s.io" });
            if (copy["metadata"]!["namespace"] is not null)
            {
                copy["metadata"]!["namespace"] = Namespace;
            }
            documents.Add(copy);
        }
        foreach (var role in chart.OfKind("ClusterRole").Concat(chart.OfKind("Role")))
        {
            var copy = (JsonObject)role.DeepClone();
            if (copy["metadata"]!["namespace"] is not null)
            {
                copy["metadata"]!["namespace"] = Namespace;
            }
            documents.Add(copy);
        }
        var file = Path.Combine(WorkDir, "rbac.json");
        await File.WriteAllTextAsync(file, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(documents.Select(d => (JsonNode)d).ToArray()) }.ToJsonString());
        (await KubeTools.KubectlAsync(Kubeconfig, ["apply", "-f", file], TestTimeout.Token)).ThrowIfFailed("kubectl apply of the chart's RBAC");
    }
}
