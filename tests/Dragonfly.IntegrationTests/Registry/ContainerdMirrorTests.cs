using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>Real clients (containerd, skopeo, dockerd) pulling from a real docker-registry through peer daemons' mirrors.</summary>
[TestFixture]
public sealed class ContainerdMirrorTests : MirrorFixture
{
    [Test]
    public async Task Ctr_ThreeNodesPullIndexThroughTheirMirrors_ImagesCompleteAndEachLayerLeavesRegistryOnce()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [1 << 20, 6 << 20, 70L << 20], twoPlatforms: true);
        var cluster = await StartClusterAsync(3, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);
        var nodes = new List<(Containerd Containerd, string HostsDir)>();
        foreach (var peer in cluster.Peers)
        {
            var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr-" + peer.Name), TestTimeout.Token));
            var hostsDir = Path.Combine(WorkDir, "certs-" + peer.Name);
            Containerd.WriteHostsToml(hostsDir, registry.Host, "http://" + registry.Host, ["http://" + peer.MirrorAddress]);
            nodes.Add((containerd, hostsDir));
        }

        var pulls = await Task.WhenAll(nodes.Select(n => n.Containerd.PullAsync(registry.Reference("demo/app:v1"), n.HostsDir, allPlatforms: true, cancellationToken: TestTimeout.Token)));

        foreach (var pull in pulls)
        {
            pull.ThrowIfFailed("ctr images pull through the mirror");
        }
        foreach (var (containerd, _) in nodes)
        {
            Assert.That(await containerd.ContentDigestsAsync(TestTimeout.Token), Is.SupersetOf(image.AllBlobs.Select(b => b.Digest)));
        }
        var log = await registry.AccessLogAsync(TestTimeout.Token);
        Assert.Multiple(() =>
        {
            foreach (var layer in image.Layers)
            {
                Assert.That(registry.BlobGets(layer.Digest), Has.Count.EqualTo(1), $"GETs of layer {layer.Digest} ({layer.Size} bytes) at the registry");
            }
            Assert.That(BlobGetsBy(log, "containerd"), Is.Empty, "containerd fetched no blob from the registry itself");
        });
    }

    [Test]
    public async Task Skopeo_CopiesThroughMirror_BlobsComeFromTheMirror()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [1 << 20, 3 << 20]);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:defaultRegistry", "http://" + registry.Host]);
        var conf = Skopeo.WriteMirrorRegistriesConf(Path.Combine(WorkDir, "registries.conf"), registry.Host, cluster.Peers[0].MirrorAddress);

        var copy = await Skopeo.CopyAsync("docker://" + registry.Reference("demo/app:v1"), "oci:" + Path.Combine(WorkDir, "copy") + ":v1",
            new SkopeoCopyOptions { RegistriesConf = conf }, TestTimeout.Token);

        copy.ThrowIfFailed("skopeo copy through the mirror");
        var log = await registry.AccessLogAsync(TestTimeout.Token);
        Assert.Multiple(() =>
        {
            Assert.That(BlobGetsBy(log, "skopeo"), Is.Empty, "skopeo fetched no blob from the registry itself");
            Assert.That(log.Count(a => a.Method == "GET" && a.Path.Contains("/blobs/", StringComparison.Ordinal) && a.IsSuccess), Is.EqualTo(image.Layers.Count + 1), "each layer and the config left the registry once");
            foreach (var layer in image.Layers)
            {
                Assert.That(File.ReadAllBytes(Path.Combine(WorkDir, "copy", "blobs", "sha256", layer.Digest[7..])), Is.EqualTo(BlobBytes(image, layer.Digest)));
            }
        });
    }

    [Test]
    public async Task Dockerd_PullsDockerHubNamedImageViaRegistryMirror()
    {
        var registry = await StartRegistryAsync("registry");
        await PushImageAsync(registry, "library/demo", [1 << 20, 2 << 20]);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:defaultRegistry", "http://" + registry.Host]);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr"), TestTimeout.Token));
        var dockerd = Own(await Dockerd.StartAsync(Path.Combine(WorkDir, "docker"), containerd.Socket, "http://" + cluster.Peers[0].MirrorAddress, null, TestTimeout.Token));

        var pull = await dockerd.PullAsync("demo:v1", TestTimeout.Token);

        pull.ThrowIfFailed("docker pull demo:v1 through the registry mirror");
        var log = await registry.AccessLogAsync(TestTimeout.Token);
        Assert.That(BlobGetsBy(log, "docker/"), Is.Empty, "docker fetched no blob from the registry itself");
        Assert.That(log.Count(a => a.Method == "GET" && a.Path.Contains("/blobs/", StringComparison.Ordinal) && a.IsSuccess), Is.EqualTo(3), "two layers and the config, once each");
    }

    [Test]
    public async Task Blob_FirstBytesArriveWhileTheSeedIsStillFetching()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [24L << 20]);
        var layer = image.Layers[0];
        // The seed may take 4 MiB/s from the registry: the whole layer needs about 6 s.
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host], supernodeArgs: ["--backToSourceRateLimit", "4M"]);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{cluster.Peers[0].MirrorAddress}/v2/demo/app/blobs/{layer.Digest}?ns={registry.Host}");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeout.Token);
        await using var body = await response.Content.ReadAsStreamAsync(TestTimeout.Token);
        var first = new byte[4 << 20];
        await body.ReadExactlyAsync(first, TestTimeout.Token);
        var seedFinishedBeforeFirstBytes = registry.BlobGets(layer.Digest).Count;
        using var rest = new MemoryStream();
        await body.CopyToAsync(rest, TestTimeout.Token);

        Assert.That(seedFinishedBeforeFirstBytes, Is.Zero, "the registry had not finished sending the layer when the client got its first piece");
        Assert.That(first.Concat(rest.ToArray()).ToArray(), Is.EqualTo(BlobBytes(image, layer.Digest)));
    }

    [Test]
    public async Task Ctr_NoSupernodeReachable_PullStillCompletesThroughTheMirror()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [1 << 20, 5 << 20]);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host], startSupernode: false, supernodeAddress: "127.0.0.3:1");
        var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr"), TestTimeout.Token));
        var hostsDir = Path.Combine(WorkDir, "certs");
        // The mirror is the only host: the pull succeeds only if the daemon itself goes to the registry.
        Containerd.WriteHostsToml(hostsDir, registry.Host, "http://127.0.0.1:1", ["http://" + cluster.Peers[0].MirrorAddress]);

        var pull = await containerd.PullAsync(registry.Reference("demo/app:v1"), hostsDir, cancellationToken: TestTimeout.Token);

        pull.ThrowIfFailed("ctr pull through a mirror whose supernode is down");
        Assert.That(await containerd.ContentDigestsAsync(TestTimeout.Token), Is.SupersetOf(image.Layers.Select(l => l.Digest)));
        await registry.AccessLogAsync(TestTimeout.Token);
        Assert.That(image.Layers.Select(l => registry.BlobGets(l.Digest).Count), Is.All.EqualTo(1), "each layer fetched once, by the daemon");
    }

    [Test]
    public async Task Ctr_PullsThroughAnHttpsMirror_TrustingTheCaContainerdHostsCopiedNextToHostsToml()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/app", [1 << 20, 5 << 20]);
        using var ca = new TestCertificateAuthority(Path.Combine(WorkDir, "pki"));
        var (cert, key) = ca.Issue("dragonfly", [.. Enumerable.Range(3, 20).Select(i => System.Net.IPAddress.Parse($"127.0.0.{i}"))]);
        string[] tls = ["--tls:certFile", cert, "--tls:keyFile", key, "--tls:caFile", ca.CaFile];
        var cluster = await StartClusterAsync(1, peerArgs: [.. tls, "--mirror:tls", "true", "--mirror:registries:0", "http://" + registry.Host], supernodeArgs: tls);
        var mirror = "https://" + cluster.Peers[0].MirrorAddress;
        var hostsDir = Path.Combine(WorkDir, "certs");
        // What the chart's init container runs on every node.
        var hosts = await ToolProcess.RunAsync("dotnet",
            [ComponentBinaries.PeerDaemon, "containerd-hosts", "--certs-dir", hostsDir, "--mirror", mirror, "--ca-file", ca.CaFile, "--registry", $"{registry.Host}=http://{registry.Host}"],
            TimeSpan.FromMinutes(1), TestTimeout.Token);
        hosts.ThrowIfFailed("containerd-hosts --ca-file");
        var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr"), TestTimeout.Token));

        var pull = await containerd.PullAsync(registry.Reference("demo/app:v1"), hostsDir, cancellationToken: TestTimeout.Token);

        pull.ThrowIfFailed("ctr pull through the HTTPS mirror");
        Assert.That(await containerd.ContentDigestsAsync(TestTimeout.Token), Is.SupersetOf(image.Layers.Select(l => l.Digest)));
        var log = await registry.AccessLogAsync(TestTimeout.Token);
        Assert.That(BlobGetsBy(log, "containerd"), Is.Empty, "containerd fetched no blob from the registry itself: it trusted the mirror's certificate");
        Assert.That(async () => await Http.GetAsync($"http://{cluster.Peers[0].MirrorAddress}/v2/", TestTimeout.Token), Throws.InstanceOf<HttpRequestException>(),
            "with mirror:tls the mirror serves no cleartext");
    }

    /// <summary>Blob GETs made with a client's own user agent. The mirror forwards User-Agent on the requests it relays
    /// (manifests, access checks); blob bodies fetched by the P2P engine carry none.</summary>
    private static IEnumerable<RegistryAccess> BlobGetsBy(IEnumerable<RegistryAccess> log, string userAgent) =>
        log.Where(a => a.Method == "GET" && a.Path.Contains("/blobs/", StringComparison.Ordinal) && a.UserAgent.Contains(userAgent, StringComparison.OrdinalIgnoreCase));
}
