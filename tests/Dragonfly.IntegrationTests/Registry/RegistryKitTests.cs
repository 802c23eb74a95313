using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>
/// The registry test kit against the real tools, with no mirror in between: images built on disk, pushed
/// with skopeo into docker-registry, pulled by containerd and dockerd, and counted in the registry's log.
/// </summary>
[TestFixture]
public sealed class RegistryKitTests
{
    private const long MiB = 1024 * 1024;
    private static readonly HtpasswdCredentials Alice = new("alice", "s3cret-pass");
    private readonly List<IAsyncDisposable> _owned = [];
    private string _root = "";
    private OciImage _image = null!;
    private OciImage _index = null!;
    private OciImage _small = null!;

    [OneTimeSetUp]
    public async Task BuildImagesAsync()
    {
        _root = Directory.CreateTempSubdirectory("dragonfly-registry-kit-").FullName;
        var layout = Path.Combine(_root, "layout");
        var clock = Stopwatch.StartNew();
        _image = await OciImageBuilder.CreateAsync(layout, "app", [1 * MiB, 3 * MiB, 70 * MiB], seed: 1);
        TestContext.Progress.WriteLine($"built 74 MiB image in {clock.ElapsedMilliseconds} ms");
        _index = await OciImageBuilder.CreateIndexAsync(layout, "multi", [("linux", "amd64", [256 * 1024, 512 * 1024]), ("linux", "arm64", [300 * 1024])], seed: 2);
        _small = await OciImageBuilder.CreateAsync(layout, "small", [64 * 1024], seed: 3);
    }

    [OneTimeTearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [TearDown]
    public async Task StopOwnedAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        _owned.Clear();
    }

    [Test]
    public void CreateAsync_WritesLayoutWithConfigManifestAndIncompressibleLayers()
    {
        Assert.That(_image.MediaType, Is.EqualTo(OciMediaTypes.ImageManifest));
        Assert.That(_image.Layers.Select(l => l.Size), Is.All.GreaterThan(0));
        Assert.That(_image.Layers[2].Size, Is.InRange(70 * MiB, 71 * MiB), "random bytes do not compress");
        Assert.That(_index.IsIndex, Is.True);
        Assert.That(_index.Platforms.Select(p => p.Platform), Is.EqualTo(new[] { "linux/amd64", "linux/arm64" }));
        Assert.That(_index.AllBlobs, Has.Count.EqualTo(2 + 3 + 2 + 1));
        foreach (var blob in _image.AllBlobs.Concat(_index.AllBlobs))
        {
            var path = Path.Combine(_image.LayoutDir, "blobs", "sha256", blob.Digest["sha256:".Length..]);
            Assert.That(new FileInfo(path).Length, Is.EqualTo(blob.Size), blob.Digest);
        }
        var index = File.ReadAllText(Path.Combine(_image.LayoutDir, "index.json"));
        Assert.That(index, Does.Contain(_image.ManifestDigest).And.Contain(_index.ManifestDigest).And.Contain(_small.ManifestDigest));
    }

    [Test]
    public async Task SkopeoPush_ImageAndIndex_AccessLogShowsEveryUploadAndManifest()
    {
        var ct = Timeout();
        var registry = await StartRegistryAsync("open");

        var clock = Stopwatch.StartNew();
        await Skopeo.PushAsync(_image.LayoutDir, _image.Tag, registry.Reference("demo/app:v1"), null, ct);
        TestContext.Progress.WriteLine($"skopeo pushed 74 MiB in {clock.ElapsedMilliseconds} ms");
        await Skopeo.PushAsync(_index.LayoutDir, _index.Tag, registry.Reference("demo/multi:v1"), null, ct);
        var log = await registry.AccessLogAsync(ct);

        foreach (var blob in _image.AllBlobs.Concat(_index.AllBlobs).Where(b => !b.MediaType.Contains("manifest") && !b.MediaType.Contains("index")))
        {
            Assert.That(log.Where(a => a.Method == "PUT" && a.Status == 201 && a.Uri.Contains("/blobs/uploads/") && a.Uri.Contains("digest=" + blob.Digest.Replace(":", "%3A"))).ToList(),
                Has.Count.EqualTo(1), $"upload of {blob.Digest}");
        }
        Assert.That(log, Has.Some.Matches<RegistryAccess>(a => a is { Method: "PUT", Uri: "/v2/demo/app/manifests/v1", Status: 201 }));
        Assert.That(log, Has.Some.Matches<RegistryAccess>(a => a is { Method: "PUT", Uri: "/v2/demo/multi/manifests/v1", Status: 201 }));
        foreach (var platform in _index.Platforms)
        {
            Assert.That(log, Has.Some.Matches<RegistryAccess>(a => a.Method == "PUT" && a.Uri == "/v2/demo/multi/manifests/" + platform.Manifest.Digest && a.Status == 201));
        }
        Assert.That(await ManifestDigestAsync(registry, "demo/app", "v1", null, ct), Is.EqualTo(_image.ManifestDigest), "pushed as built, not converted");
        Assert.That(await ManifestDigestAsync(registry, "demo/multi", "v1", null, ct), Is.EqualTo(_index.ManifestDigest));
        Assert.That(registry.BlobBytesServed(), Is.Zero, "a push reads no blob back");
    }

    [Test]
    public async Task Htpasswd_AnonymousRefused_CredentialsAccepted()
    {
        var ct = Timeout();
        var registry = await StartRegistryAsync("basic", basic: Alice);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };

        using var anonymous = await http.GetAsync("/v2/", ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Alice.UserAndPassword)));
        using var authorized = await http.SendAsync(request, ct);
        var anonymousPush = await Skopeo.CopyAsync(_small.SkopeoReference, "docker://" + registry.Reference("demo/small:v1"), new SkopeoCopyOptions(), ct);
        await Skopeo.PushAsync(_small.LayoutDir, _small.Tag, registry.Reference("demo/small:v1"), Alice, ct);
        var log = await registry.AccessLogAsync(ct);

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(anonymous.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic realm="));
        Assert.That(authorized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(anonymousPush.ExitCode, Is.Not.Zero, "a push without credentials is refused");
        Assert.That(await ManifestDigestAsync(registry, "demo/small", "v1", Alice, ct), Is.EqualTo(_small.ManifestDigest));
        Assert.That(log, Has.Some.Matches<RegistryAccess>(a => a is { Uri: "/v2/", Status: 401 }));
        Assert.That(log, Has.Some.Matches<RegistryAccess>(a => a is { Uri: "/v2/", Status: 200 }));
    }

    [Test]
    public async Task TokenAuth_AnonymousGetsBearerChallengeWithConfiguredRealm()
    {
        var ct = Timeout();
        var bundle = Path.Combine(_root, "token-root.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var request = new CertificateRequest("CN=registry-kit token issuer", key, HashAlgorithmName.SHA256);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            await File.WriteAllTextAsync(bundle, certificate.ExportCertificatePem(), ct);
        }
        var token = new TokenAuthConfig("http://127.0.0.1:1/token", "kit-registry", "kit-issuer", bundle);
        var registry = await StartRegistryAsync("token", token: token);
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };

        using var anonymous = await http.GetAsync("/v2/demo/app/manifests/v1", ct);

        Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var challenge = anonymous.Headers.WwwAuthenticate.ToString();
        Assert.That(challenge, Does.StartWith("Bearer realm=\"http://127.0.0.1:1/token\"").And.Contain("service=\"kit-registry\"").And.Contain("scope=\"repository:demo/app:pull\""));
    }

    [Test]
    public async Task SkopeoCopy_MirrorInRegistriesConf_MirrorServesOrOriginWhenMirrorIsDown()
    {
        var ct = Timeout();
        var origin = await StartRegistryAsync("origin");
        var mirror = await StartRegistryAsync("mirror");
        await Skopeo.PushAsync(_small.LayoutDir, _small.Tag, origin.Reference("demo/small:v1"), null, ct);
        await Skopeo.PushAsync(_small.LayoutDir, _small.Tag, mirror.Reference("demo/small:v1"), null, ct);
        var layer = _small.Layers[0].Digest;
        var viaMirror = Skopeo.WriteMirrorRegistriesConf(Path.Combine(_root, "mirror-up.conf"), origin.Host, mirror.Host);
        var viaDeadMirror = Skopeo.WriteMirrorRegistriesConf(Path.Combine(_root, "mirror-down.conf"), origin.Host, "127.0.0.1:1");

        var first = await Skopeo.CopyAsync("docker://" + origin.Reference("demo/small:v1"), $"oci:{Path.Combine(_root, "copy-1")}:v1", new SkopeoCopyOptions { RegistriesConf = viaMirror, SrcTlsVerify = null }, ct);
        var afterFirst = (Mirror: (await mirror.AccessLogAsync(ct)).Count(a => a.Method == "GET" && a.Path.Contains("/blobs/" + layer)), Origin: origin.BlobGets(layer).Count);
        var second = await Skopeo.CopyAsync("docker://" + origin.Reference("demo/small:v1"), $"oci:{Path.Combine(_root, "copy-2")}:v1", new SkopeoCopyOptions { RegistriesConf = viaDeadMirror, SrcTlsVerify = null }, ct);
        await origin.AccessLogAsync(ct);

        Assert.That(first.ExitCode, Is.Zero, first.StdErr);
        Assert.That(afterFirst, Is.EqualTo((Mirror: 1, Origin: 0)), "the mirror served the layer, the origin nothing");
        Assert.That(second.ExitCode, Is.Zero, second.StdErr);
        Assert.That(origin.BlobGets(layer), Has.Count.EqualTo(1), "with the mirror down skopeo fell back to the origin");
    }

    [Test]
    public async Task Containerd_PullsDirectlyFromRegistry_EveryLayerFetchedOnce()
    {
        var ct = Timeout();
        var registry = await StartRegistryAsync("ctr-origin");
        await Skopeo.PushAsync(_image.LayoutDir, _image.Tag, registry.Reference("demo/app:v1"), null, ct);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(_root, "containerd"), ct));
        var hostsDir = Path.Combine(_root, "certs.d");
        Containerd.WriteHostsToml(hostsDir, registry.Host, registry.BaseAddress.ToString().TrimEnd('/'), []);

        var clock = Stopwatch.StartNew();
        var pull = await containerd.PullAsync(registry.Reference("demo/app:v1"), hostsDir, cancellationToken: ct);
        TestContext.Progress.WriteLine($"ctr pulled 74 MiB in {clock.ElapsedMilliseconds} ms");
        var content = await containerd.ContentDigestsAsync(ct);
        await registry.AccessLogAsync(ct);

        Assert.That(pull.ExitCode, Is.Zero, pull.StdErr + pull.StdOut);
        Assert.That(pull.StdErr, Does.Not.Contain("hosts.toml"), "containerd read the hosts.toml instead of falling back to defaults");
        Assert.That(content, Is.SupersetOf(_image.AllBlobs.Select(b => b.Digest)));
        foreach (var layer in _image.Layers)
        {
            Assert.That(registry.BlobGets(layer.Digest), Has.Count.EqualTo(1), layer.Digest);
        }
        Assert.That(registry.BlobBytesServed(), Is.EqualTo(_image.Layers.Sum(l => l.Size) + _image.Platforms[0].Config.Size));

        await containerd.RemoveImageAsync(registry.Reference("demo/app:v1"), ct);
        Assert.That(await containerd.ContentDigestsAsync(ct), Is.Empty, "removed with its content: the next pull is cold");
    }

    [Test]
    public async Task Containerd_PullsOnePlatformOfIndex_OnlyItsLayersFetched()
    {
        var ct = Timeout();
        var registry = await StartRegistryAsync("ctr-index");
        await Skopeo.PushAsync(_index.LayoutDir, _index.Tag, registry.Reference("demo/multi:v1"), null, ct);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(_root, "containerd-index"), ct));
        var hostsDir = Path.Combine(_root, "certs-index.d");
        Containerd.WriteHostsToml(hostsDir, "_default", registry.BaseAddress.ToString().TrimEnd('/'), []);

        var pull = await containerd.PullAsync(registry.Reference("demo/multi:v1"), hostsDir, platform: "linux/arm64", cancellationToken: ct);
        await registry.AccessLogAsync(ct);

        Assert.That(pull.ExitCode, Is.Zero, pull.StdErr + pull.StdOut);
        Assert.That(_index.Platforms[1].Layers.Select(l => registry.BlobGets(l.Digest).Count), Is.All.EqualTo(1));
        Assert.That(_index.Platforms[0].Layers.Select(l => registry.BlobGets(l.Digest).Count), Is.All.EqualTo(0));
    }

    [Test]
    public async Task Containerd_HostsTomlWithMirror_MirrorServesWithNsQuery()
    {
        var ct = Timeout();
        var origin = await StartRegistryAsync("ctr-mirror-origin");
        var mirror = await StartRegistryAsync("ctr-mirror");
        await Skopeo.PushAsync(_small.LayoutDir, _small.Tag, origin.Reference("demo/small:v1"), null, ct);
        await Skopeo.PushAsync(_small.LayoutDir, _small.Tag, mirror.Reference("demo/small:v1"), null, ct);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(_root, "containerd-mirror"), ct));
        var hostsDir = Path.Combine(_root, "certs-mirror.d");
        Containerd.WriteHostsToml(hostsDir, origin.Host, origin.BaseAddress.ToString().TrimEnd('/'), [mirror.BaseAddress.ToString().TrimEnd('/')]);

        var pull = await containerd.PullAsync(origin.Reference("demo/small:v1"), hostsDir, cancellationToken: ct);
        await origin.AccessLogAsync(ct);
        var mirrorGets = mirror.BlobGets(_small.Layers[0].Digest);

        Assert.That(pull.ExitCode, Is.Zero, pull.StdErr + pull.StdOut);
        Assert.That(mirrorGets.Select(a => a.Uri), Is.EqualTo(new[] { $"/v2/demo/small/blobs/{_small.Layers[0].Digest}?ns={Uri.EscapeDataString(origin.Host)}" }));
        Assert.That(origin.BlobGets(_small.Layers[0].Digest), Is.Empty);
    }

    [Test]
    public async Task Containerd_WorkDirTooDeepForSocket_SocketInShortDirectory()
    {
        var ct = Timeout();
        var deep = Path.Combine(_root, new string('d', 60), new string('e', 60));

        var containerd = Own(await Containerd.StartAsync(deep, ct));

        Assert.That(containerd.Socket, Does.Not.StartWith(deep));
        Assert.That(containerd.Socket.Length + ".ttrpc".Length, Is.LessThan(108));
        Assert.That((await containerd.CtrAsync(["version"], ct)).ExitCode, Is.Zero);
    }

    [Test]
    public async Task Dockerd_PullsFromInsecureLocalRegistry()
    {
        var ct = Timeout();
        var registry = await StartRegistryAsync("docker-origin");
        await Skopeo.PushAsync(_image.LayoutDir, _image.Tag, registry.Reference("library/demo:v1"), null, ct);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(_root, "containerd-docker"), ct));
        var clock = Stopwatch.StartNew();
        var dockerd = Own(await Dockerd.StartAsync(Path.Combine(_root, "dockerd"), containerd.Socket, null, [registry.Host], ct));
        TestContext.Progress.WriteLine($"dockerd ready in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        var pull = await dockerd.PullAsync(registry.Reference("library/demo:v1"), ct);
        TestContext.Progress.WriteLine($"docker pulled 74 MiB in {clock.ElapsedMilliseconds} ms");
        var inspect = await dockerd.RunCliAsync(["image", "inspect", "--format", "{{.Id}}", registry.Reference("library/demo:v1")], ct);
        await registry.AccessLogAsync(ct);

        Assert.That(pull.ExitCode, Is.Zero, pull.StdErr + pull.StdOut);
        Assert.That(inspect.StdOut.Trim(), Is.EqualTo(_image.ConfigDigests[0]), "the image id is the config digest");
        Assert.That(_image.Layers.Select(l => registry.BlobGets(l.Digest).Count), Is.All.EqualTo(1));
    }

    private async Task<DockerRegistry> StartRegistryAsync(string name, HtpasswdCredentials? basic = null, TokenAuthConfig? token = null) =>
        Own(await DockerRegistry.StartAsync(new DockerRegistryOptions { WorkDir = Path.Combine(_root, name), Basic = basic, Token = token }, Timeout()));

    private T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private static async Task<string?> ManifestDigestAsync(DockerRegistry registry, string repository, string tag, HtpasswdCredentials? credentials, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{repository}/manifests/{tag}");
        request.Headers.Accept.ParseAdd(OciMediaTypes.ImageManifest);
        request.Headers.Accept.ParseAdd(OciMediaTypes.ImageIndex);
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.UserAndPassword)));
        }
        using var response = await http.SendAsync(request, ct);
        return response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.Single() : null;
    }

    /// <summary>Bounds every wait in a test; a hang fails instead of blocking CI.</summary>
    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;
}
