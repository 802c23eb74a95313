using System.Text;
using Dragonfly.Kubernetes.Models;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Registry;
using Dragonfly.Operator.Entities;

namespace Dragonfly.IntegrationTests.Kubernetes.Operator;

/// <summary>
/// PreheatTasks through the operator process against a real kube-apiserver, a real docker-registry and a real
/// supernode: the cache is warmed, the first pull through a peer's mirror leaves the registry untouched, and
/// bad references, credentials and registries fail clearly.
/// </summary>
[TestFixture]
public sealed class PreheatOperatorTests : OperatorFixture
{
    private static V1Alpha1PreheatTask Task(string name, Action<V1Alpha1PreheatTaskSpec> spec)
    {
        var task = new V1Alpha1PreheatTask { Metadata = new V1ObjectMeta { Name = name }, Spec = new V1Alpha1PreheatTaskSpec { Type = PreheatType.Image, PlainHttp = true } };
        spec(task.Spec);
        return task;
    }

    [Test]
    public async Task ImagePreheat_WarmsTheSupernode_ThenAMirrorPullLeavesTheRegistryUntouched()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [1 << 20, 6 << 20, 24 << 20]);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress);
        await CreateAsync(Supernode());

        await CreateAsync(Task("warm", spec => spec.Images = [registry.Reference("demo/app:v1")]));

        var done = await WaitForAsync<V1Alpha1PreheatTask>("warm", t => t.Status?.Phase is PreheatPhase.Succeeded or PreheatPhase.Failed, "the preheat to finish", op);
        var blobs = image.AllBlobs.Where(b => b.Digest != image.ManifestDigest).ToList();
        Assert.That(done.Status!.Phase, Is.EqualTo(PreheatPhase.Succeeded), done.Status.Message);
        Assert.Multiple(() =>
        {
            Assert.That(done.Status.Progress.Summary, Is.EqualTo($"{blobs.Count}/{blobs.Count}"));
            Assert.That(done.Status.Progress.BytesDone, Is.EqualTo(blobs.Sum(b => b.Size)));
            Assert.That(done.Status.Items.Select(i => i.Digest), Is.EquivalentTo(blobs.Select(b => b.Digest)));
            Assert.That(done.Status.Items.Select(i => i.Supernode), Is.All.EqualTo(cluster.SupernodeAddress));
            Assert.That(done.Status.StartTime, Is.Not.Null);
            Assert.That(done.Status.CompletionTime, Is.Not.Null);
            Assert.That(done.Status.Conditions.Single(c => c.Type == "Complete").Status, Is.EqualTo("True"));
            foreach (var blob in blobs)
            {
                Assert.That(registry.BlobGets(blob.Digest), Has.Count.EqualTo(1), $"the supernode fetched {blob.Digest} once");
            }
        });

        var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr"), TestTimeout.Token));
        var hostsDir = Path.Combine(WorkDir, "certs");
        Containerd.WriteHostsToml(hostsDir, registry.Host, "http://" + registry.Host, ["http://" + cluster.Peers[0].MirrorAddress]);
        (await containerd.PullAsync(registry.Reference("demo/app:v1"), hostsDir, cancellationToken: TestTimeout.Token)).ThrowIfFailed("ctr pull through the mirror");

        await registry.AccessLogAsync(TestTimeout.Token);
        Assert.Multiple(() =>
        {
            foreach (var blob in blobs)
            {
                Assert.That(registry.BlobGets(blob.Digest), Has.Count.EqualTo(1), $"after the pull, {blob.Digest} was still fetched from the registry only by the preheat");
            }
        });
        Assert.That(await containerd.ContentDigestsAsync(TestTimeout.Token), Is.SupersetOf(blobs.Select(b => b.Digest)));
    }

    [Test]
    public async Task MultiPlatformIndex_OnlyTheChosenPlatformIsPreheated_AnUnknownPlatformFailsNamingTheOffered()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/multi", [1 << 20, 2 << 20], twoPlatforms: true);
        var cluster = await StartClusterAsync(0);
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress);
        await CreateAsync(Supernode());

        await CreateAsync(Task("arm", spec => { spec.Images = [registry.Reference("demo/multi:v1")]; spec.Platforms = ["linux/arm64"]; }));
        await CreateAsync(Task("s390x", spec => { spec.Images = [registry.Reference("demo/multi:v1")]; spec.Platforms = ["linux/s390x"]; }));

        var arm = await Finished("arm", op);
        var s390x = await Finished("s390x", op);
        var armImage = image.Platforms.Single(p => p.Architecture == "arm64");
        Assert.That(arm.Status!.Phase, Is.EqualTo(PreheatPhase.Succeeded), arm.Status.Message);
        Assert.That(arm.Status.Items.Select(i => i.Digest), Is.EquivalentTo(armImage.Layers.Select(l => l.Digest).Append(armImage.Config.Digest)));
        Assert.That(s390x.Status!.Phase, Is.EqualTo(PreheatPhase.Failed));
        Assert.That(s390x.Status.Message, Does.Contain("no manifest for linux/s390x").And.Contain("linux/amd64, linux/arm64"));
    }

    [Test]
    public async Task PrivateRegistry_PullSecretWorks_WrongOrMissingCredentialsFailClearly()
    {
        var alice = new HtpasswdCredentials("alice", "s3cret");
        var registry = await StartRegistryAsync("private", basic: alice);
        await PushImageAsync(registry, "team/app", [1 << 20, 2 << 20], creds: alice);
        var cluster = await StartClusterAsync(0);
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress);
        await CreateAsync(Supernode());
        await CreateAsync(PullSecret("good", registry.Host, alice));
        await CreateAsync(PullSecret("wrong", registry.Host, alice with { Password = "guess" }));
        await CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "opaque" }, Type = "Opaque", StringData = new() { ["x"] = "y" } });

        await CreateAsync(Task("good", spec => { spec.Images = [registry.Reference("team/app:v1")]; spec.PullSecretName = "good"; }));
        await CreateAsync(Task("wrong", spec => { spec.Images = [registry.Reference("team/app:v1")]; spec.PullSecretName = "wrong"; }));
        await CreateAsync(Task("anonymous", spec => spec.Images = [registry.Reference("team/app:v1")]));
        await CreateAsync(Task("not-docker-config", spec => { spec.Images = [registry.Reference("team/app:v1")]; spec.PullSecretName = "opaque"; }));

        var good = await Finished("good", op);
        var wrong = await Finished("wrong", op);
        var anonymous = await Finished("anonymous", op);
        var notDockerConfig = await Finished("not-docker-config", op);
        Assert.Multiple(() =>
        {
            Assert.That(good.Status!.Phase, Is.EqualTo(PreheatPhase.Succeeded), good.Status.Message);
            Assert.That(wrong.Status!.Phase, Is.EqualTo(PreheatPhase.Failed));
            Assert.That(wrong.Status.Message, Does.Contain("refused the credentials"));
            Assert.That(anonymous.Status!.Phase, Is.EqualTo(PreheatPhase.Failed));
            Assert.That(anonymous.Status.Message, Does.Contain("credentials").IgnoreCase);
            Assert.That(notDockerConfig.Status!.Phase, Is.EqualTo(PreheatPhase.Failed));
            Assert.That(notDockerConfig.Status.Message, Does.Contain("kubernetes.io/dockerconfigjson"));
            Assert.That(wrong.Status.Conditions.Single(c => c.Type == "Failed").Status, Is.EqualTo("True"));
        });
    }

    [Test]
    public async Task BadReference_MissingImage_UnreachableRegistry_FailWithClearMessages()
    {
        var registry = await StartRegistryAsync("registry");
        var cluster = await StartClusterAsync(0);
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress, "--preheatMaxAttempts", "2");
        await CreateAsync(Supernode());

        await CreateAsync(Task("bad-ref", spec => spec.Images = ["127.0.0.1:5000/Demo/App:v1"]));
        await CreateAsync(Task("missing", spec => spec.Images = [registry.Reference("demo/none:v1")]));
        await CreateAsync(Task("unreachable", spec => spec.Images = ["127.0.0.1:1/demo/app:v1"]));
        await CreateAsync(Task("no-urls", spec => spec.Type = PreheatType.File));

        var badRef = await Finished("bad-ref", op);
        var missing = await Finished("missing", op);
        var unreachable = await Finished("unreachable", op);
        var noUrls = await Finished("no-urls", op);
        Assert.Multiple(() =>
        {
            Assert.That(badRef.Status!.Message, Does.Contain("repository 'Demo/App' is invalid"));
            Assert.That(missing.Status!.Message, Does.Contain("does not exist"));
            Assert.That(unreachable.Status!.Message, Does.Contain("cannot reach http://127.0.0.1:1"));
            Assert.That(unreachable.Status.Attempts, Is.EqualTo(2), "an unreachable registry is retried before the task fails");
            Assert.That(noUrls.Status!.Message, Does.Contain("spec.urls is empty"));
            Assert.That(new[] { badRef, missing, unreachable, noUrls }.Select(t => t.Status!.Phase), Is.All.EqualTo(PreheatPhase.Failed));
        });
    }

    [Test]
    public async Task OperatorRestartMidTask_TheNewOperatorFinishes_WithoutFetchingAgain()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/big", [48L << 20]);
        var cluster = await StartClusterAsync(0, supernodeArgs: ["--backToSourceRateLimit", "12M"]);
        string[] args = ["--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress];
        var first = await StartOperatorAsync("operator1", args);
        await CreateAsync(Supernode());
        await CreateAsync(Task("big", spec => spec.Images = [registry.Reference("demo/big:v1")]));

        var running = await WaitForAsync<V1Alpha1PreheatTask>("big", t => t.Status is { Phase: PreheatPhase.Running, Items.Count: > 0 }, "the task to run", first);
        await first.KillAsync();
        var second = await StartOperatorAsync("operator2", args);

        var done = await Finished("big", second);
        Assert.That(done.Status!.Phase, Is.EqualTo(PreheatPhase.Succeeded), done.Status.Message);
        Assert.That(done.Status.StartTime, Is.EqualTo(running.Status!.StartTime), "the second operator continued the first one's run");
        Assert.That(registry.BlobGets(image.Layers[0].Digest), Has.Count.EqualTo(1), "the layer left the registry once across both operators");
    }

    [Test]
    public async Task FilePreheat_WithHeadersSecret_Succeeds_AndTheTaskExpiresAfterItsTtl()
    {
        var cluster = await StartClusterAsync(0);
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "model.bin"), 5 << 20);
        cluster.Origin.RequiredAuthorization = "Bearer file-token";
        var op = await StartOperatorAsync("operator", "--supernodeEndpointOverride:0", "http://" + cluster.SupernodeAddress);
        await CreateAsync(Supernode());
        await CreateAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "headers" }, StringData = new() { ["Authorization"] = "Bearer file-token" } });

        await CreateAsync(new V1Alpha1PreheatTask
        {
            Metadata = new V1ObjectMeta { Name = "file" },
            Spec = new V1Alpha1PreheatTaskSpec { Type = PreheatType.File, Urls = [cluster.Origin.UrlOf("model.bin").AbsoluteUri], HeadersSecretName = "headers", TtlSecondsAfterFinished = 2 },
        });

        var done = await Finished("file", op);
        Assert.That(done.Status!.Phase, Is.EqualTo(PreheatPhase.Succeeded), done.Status.Message);
        Assert.That(done.Status.Progress.BytesDone, Is.EqualTo(5 << 20));
        await WaitForGoneAsync<V1Alpha1PreheatTask>("file", "deleted 2 s after it finished (ttlSecondsAfterFinished)");
    }

    [Test]
    public async Task FilePreheat_ToAMutualTlsSupernode_TheOperatorPresentsItsCertificate_AndServesHealthOverHttps()
    {
        const int size = 3 << 20;
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "weights.bin"), size);
        using var ca = new TestCertificateAuthority(Path.Combine(WorkDir, "pki"));
        var (cert, key) = ca.Issue("dragonfly", [.. Enumerable.Range(1, 10).Select(i => System.Net.IPAddress.Parse($"127.0.0.{i}"))]);
        string[] tls = ["--tls:certFile", cert, "--tls:keyFile", key, "--tls:caFile", ca.CaFile];
        var cluster = await StartClusterAsync(0, supernodeArgs: [.. tls, "--tls:clientAuth", "true"]);
        var op = await StartOperatorAsync("operator", ["--supernodeEndpointOverride:0", "https://" + cluster.SupernodeAddress, .. tls]);
        await CreateAsync(Supernode(change: spec => spec.TlsSecretName = "dragonfly-tls"));

        await CreateAsync(new V1Alpha1PreheatTask
        {
            Metadata = new V1ObjectMeta { Name = "tls-file" },
            Spec = new V1Alpha1PreheatTaskSpec { Type = PreheatType.File, Urls = [cluster.Origin.UrlOf("weights.bin").AbsoluteUri] },
        });

        var done = await Finished("tls-file", op);
        Assert.That(done.Status!.Phase, Is.EqualTo(PreheatPhase.Succeeded), done.Status.Message);
        Assert.That(done.Status.Progress.BytesDone, Is.EqualTo(size));
        Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "the supernode fetched the file once, on the operator's TLS request");
        var health = new Uri($"https://127.0.0.1:{op.Port("healthPort")}/healthz");
        Assert.That(await HttpsProbe.GetStatusAsync(health, ca.CaFile), Is.EqualTo(System.Net.HttpStatusCode.OK), "health over HTTPS, no client certificate needed");
        Assert.That(async () => await Http.GetAsync($"http://127.0.0.1:{op.Port("healthPort")}/healthz", TestTimeout.Token), Throws.InstanceOf<HttpRequestException>(),
            "no cleartext on the operator's health port once it has a certificate");
    }

    private Task<V1Alpha1PreheatTask> Finished(string name, LocalCluster.ComponentProcess op) =>
        WaitForAsync<V1Alpha1PreheatTask>(name, t => t.Status?.Phase is PreheatPhase.Succeeded or PreheatPhase.Failed, "the task to finish", op);

    private static V1Secret PullSecret(string name, string registryHost, HtpasswdCredentials credentials) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Type = "kubernetes.io/dockerconfigjson",
        Data = new()
        {
            [".dockerconfigjson"] = Encoding.UTF8.GetBytes(
                $"{{\"auths\":{{\"{registryHost}\":{{\"auth\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.UserAndPassword))}\"}}}}}}"),
        },
    };
}
