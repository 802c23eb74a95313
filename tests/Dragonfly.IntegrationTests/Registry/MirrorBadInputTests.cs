using System.Net;
using System.Text.Json;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>Malformed names, digests, ranges and methods get spec-shaped OCI errors; the daemon keeps serving.</summary>
[TestFixture]
public sealed class MirrorBadInputTests : MirrorFixture
{
    private DockerRegistry _registry = null!;
    private LocalCluster.LocalCluster _cluster = null!;
    private OciImage _image = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _registry = await StartRegistryAsync("registry");
        _image = await PushImageAsync(_registry, "demo/app", [5 << 20]);
        _cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + _registry.Host]);
    }

    private string Mirror => "http://" + _cluster.Peers[0].MirrorAddress;

    private string Ns => "?ns=" + _registry.Host;

    [TestCase("/v2/Demo/App/manifests/v1", 400, "NAME_INVALID")]
    [TestCase("/v2/demo//app/manifests/v1", 400, "NAME_INVALID")]
    [TestCase("/v2/demo/app/blobs/sha256:1234", 400, "DIGEST_INVALID")]
    [TestCase("/v2/demo/app/blobs/md5:d41d8cd98f00b204e9800998ecf8427e", 400, "DIGEST_INVALID")]
    [TestCase("/v2/demo/app/manifests/-bad-tag", 400, "MANIFEST_INVALID")]
    // Dot segments are resolved before routing: this names /v2/blobs/..., which is no endpoint.
    [TestCase("/v2/demo/%2e%2e/%2e%2e/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000", 404, "NAME_UNKNOWN")]
    [TestCase("/v2/demo/app%2F..%2F..%2Fetc/manifests/v1", 400, "NAME_INVALID")]
    [TestCase("/v2/demo/app/nothing/here", 404, "NAME_UNKNOWN")]
    [TestCase("/etc/passwd", 404, "NAME_UNKNOWN")]
    public async Task Get_MalformedPath_OciError(string path, int status, string code)
    {
        using var response = await GetAsync(Mirror + path + Ns);

        await AssertOciErrorAsync(response, status, code);
    }

    [TestCase("bytes=abc", "RANGE_INVALID")]
    [TestCase("bytes=10-5", "RANGE_INVALID")]
    [TestCase("bytes=0-1,5-6", "RANGE_INVALID")]
    [TestCase("bytes=999999999-", "RANGE_INVALID")]
    [TestCase("pages=1-2", "RANGE_INVALID")]
    public async Task Get_BadRange_416WithContentRange(string range, string code)
    {
        using var response = await GetAsync($"{Mirror}/v2/demo/app/blobs/{_image.Layers[0].Digest}{Ns}", range: range);

        await AssertOciErrorAsync(response, 416, code);
        Assert.That(response.Content.Headers.ContentRange?.ToString(), Is.EqualTo($"bytes */{_image.Layers[0].Size}"));
    }

    [Test]
    public async Task Get_ValidRange_ExactBytes()
    {
        var layer = _image.Layers[0];
        using var response = await GetAsync($"{Mirror}/v2/demo/app/blobs/{layer.Digest}{Ns}", range: "bytes=4194000-4194999");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(response.Content.Headers.ContentRange?.ToString(), Is.EqualTo($"bytes 4194000-4194999/{layer.Size}"));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(BlobBytes(_image, layer.Digest).AsSpan(4194000, 1000).ToArray()));
    }

    [TestCase("PUT", "/v2/demo/app/manifests/v1")]
    [TestCase("POST", "/v2/demo/app/blobs/uploads/")]
    [TestCase("DELETE", "/v2/demo/app/manifests/v1")]
    public async Task Push_Refused_Unsupported(string method, string path)
    {
        using var response = await GetAsync(Mirror + path + Ns, method: new HttpMethod(method));

        await AssertOciErrorAsync(response, 405, "UNSUPPORTED");
    }

    [TestCase("evil.example/../x", 400, "NAME_INVALID")]
    [TestCase("user@host", 400, "NAME_INVALID")]
    public async Task Get_InvalidNs_OciError(string ns, int status, string code)
    {
        using var response = await GetAsync($"{Mirror}/v2/demo/app/manifests/v1?ns={Uri.EscapeDataString(ns)}");

        await AssertOciErrorAsync(response, status, code);
    }

    [Test]
    public async Task Get_UnreachableRegistry_503AtOnce()
    {
        using var response = await GetAsync($"{Mirror}/v2/demo/app/manifests/v1?ns=127.0.0.1:1");

        await AssertOciErrorAsync(response, 503, "UNAVAILABLE");
    }

    [Test]
    public async Task Manifest_ByTagAndDigest_ExactHeadersAndBody()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Mirror}/v2/demo/app/manifests/v1{Ns}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.oci.image.manifest.v1+json");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.docker.distribution.manifest.v2+json");
        using var response = await Http.SendAsync(request, TestTimeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(_image.ManifestDigest));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(_image.MediaType));
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(_image.ManifestSize));
        Assert.That(body, Is.EqualTo(BlobBytes(_image, _image.ManifestDigest)));

        using var head = await GetAsync($"{Mirror}/v2/demo/app/blobs/{_image.Layers[0].Digest}{Ns}", method: HttpMethod.Head);
        Assert.That(head.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(head.Content.Headers.ContentLength, Is.EqualTo(_image.Layers[0].Size));
        Assert.That(head.Headers.GetValues("Docker-Content-Digest").Single(), Is.EqualTo(_image.Layers[0].Digest));
    }

    [TearDown]
    public async Task DaemonStillServesAsync()
    {
        if (_cluster is null)
        {
            return;
        }
        using var response = await GetAsync($"{Mirror}/v2/{Ns}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the mirror still answers after the bad input");
        Assert.That(_cluster.Peers[0].Process.HasExited, Is.False);
    }

    private static async Task AssertOciErrorAsync(HttpResponseMessage response, int status, string code)
    {
        Assert.That((int)response.StatusCode, Is.EqualTo(status));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code));
        Assert.That(error.GetProperty("message").GetString(), Is.Not.Empty);
    }
}
