namespace Dragonfly.Oci.Tests;

public sealed class OciPathTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestCase("/v2/", OciEndpoint.ApiBase, "", "")]
    [TestCase("/v2", OciEndpoint.ApiBase, "", "")]
    [TestCase("/v2/_catalog", OciEndpoint.Catalog, "", "")]
    [TestCase("/v2/library/ubuntu/manifests/22.04", OciEndpoint.Manifest, "library/ubuntu", "22.04")]
    [TestCase("/v2/a/manifests/" + Digest, OciEndpoint.Manifest, "a", Digest)]
    [TestCase("/v2/team/blobs/app/blobs/" + Digest, OciEndpoint.Blob, "team/blobs/app", Digest)]
    [TestCase("/v2/my-org/my__app.x/tags/list", OciEndpoint.TagList, "my-org/my__app.x", "")]
    [TestCase("/v2/app/blobs/uploads/", OciEndpoint.BlobUpload, "app", "")]
    [TestCase("/v2/app/blobs/uploads/abc-123", OciEndpoint.BlobUpload, "app", "abc-123")]
    [TestCase("/v2/app/referrers/" + Digest, OciEndpoint.Referrers, "app", Digest)]
    public void TryParse_ValidPath_EndpointNameReference(string path, OciEndpoint endpoint, string name, string reference)
    {
        Assert.That(OciPath.TryParse(path, out var parsed, out var error), Is.True, error?.Message);
        Assert.That(parsed, Is.EqualTo(new OciPath(endpoint, name, reference)));
    }

    [TestCase("/v2/UPPER/manifests/v1", OciErrorCode.NameInvalid)]
    [TestCase("/v2/a..b/manifests/v1", OciErrorCode.NameInvalid)]
    [TestCase("/v2/-a/manifests/v1", OciErrorCode.NameInvalid)]
    [TestCase("/v2/a//b/manifests/v1", OciErrorCode.NameInvalid)]
    [TestCase("/v2/../etc/manifests/v1", OciErrorCode.NameInvalid)]
    [TestCase("/v2/a%2Fb/manifests/v1", OciErrorCode.NameInvalid)]
    [TestCase("/v2/a/blobs/sha256:abc", OciErrorCode.DigestInvalid)]
    [TestCase("/v2/a/blobs/latest", OciErrorCode.DigestInvalid)]
    [TestCase("/v2/a/blobs/sha512:abc", OciErrorCode.DigestInvalid)]
    [TestCase("/v2/a/manifests/.hidden", OciErrorCode.ManifestInvalid)]
    [TestCase("/v2/a/manifests/sha256:XYZ", OciErrorCode.DigestInvalid)]
    [TestCase("/v2/a/unknown/x", OciErrorCode.NameUnknown)]
    [TestCase("/v1/a/manifests/v1", OciErrorCode.NameUnknown)]
    [TestCase("/v2/manifests/v1", OciErrorCode.NameUnknown)]
    public void TryParse_InvalidPath_ErrorCodeAndMessage(string path, string code)
    {
        Assert.That(OciPath.TryParse(path, out _, out var error), Is.False);
        Assert.That(error!.Code, Is.EqualTo(code));
        Assert.That(error.Message, Is.Not.Empty);
    }

    [Test]
    public void TryParse_NameLongerThan255_NameInvalid()
    {
        Assert.That(OciPath.TryParse($"/v2/{new string('a', 256)}/manifests/v1", out _, out var error), Is.False);
        Assert.That(error!.Code, Is.EqualTo(OciErrorCode.NameInvalid));
    }

    [Test]
    public void TryParse_TagOf129Characters_ManifestInvalid()
    {
        Assert.That(OciPath.TryParse($"/v2/a/manifests/{new string('t', 129)}", out _, out var error), Is.False);
        Assert.That(error!.Code, Is.EqualTo(OciErrorCode.ManifestInvalid));
    }

    [Test]
    public void ToJson_SpecShape()
    {
        var json = System.Text.Encoding.UTF8.GetString(OciError.DigestInvalid("bad").ToJson());

        Assert.That(json, Is.EqualTo("{\"errors\":[{\"code\":\"DIGEST_INVALID\",\"message\":\"bad\"}]}"));
    }
}
