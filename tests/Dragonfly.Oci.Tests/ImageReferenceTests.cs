namespace Dragonfly.Oci.Tests;

public sealed class ImageReferenceTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [TestCase("nginx", "docker.io", "library/nginx", "latest")]
    [TestCase("nginx:1.25", "docker.io", "library/nginx", "1.25")]
    [TestCase("bitnami/redis:7", "docker.io", "bitnami/redis", "7")]
    [TestCase("docker.io/library/alpine", "docker.io", "library/alpine", "latest")]
    [TestCase("index.docker.io/alpine:3", "docker.io", "library/alpine", "3")]
    [TestCase("registry.example.com/team/app:v1.4", "registry.example.com", "team/app", "v1.4")]
    [TestCase("127.0.0.1:5000/demo:v1", "127.0.0.1:5000", "demo", "v1")]
    [TestCase("localhost/app", "localhost", "app", "latest")]
    public void TryParse_Valid(string text, string registry, string repository, string tag)
    {
        Assert.That(ImageReference.TryParse(text, out var reference, out var error), Is.True, error);
        Assert.That((reference!.Registry, reference.Repository, reference.Tag), Is.EqualTo((registry, repository, tag)));
        Assert.That(reference.ManifestReference, Is.EqualTo(tag));
    }

    [Test]
    public void TryParse_Digest_IsTheManifestReference()
    {
        Assert.That(ImageReference.TryParse($"quay.io/org/app:1@sha256:{Hex}", out var reference, out _), Is.True);
        Assert.That(reference!.ManifestReference, Is.EqualTo($"sha256:{Hex}"));
        Assert.That(reference.Tag, Is.EqualTo("1"));
        Assert.That(reference.ApiHost, Is.EqualTo("quay.io"));
    }

    [Test]
    public void ApiHost_DockerHub_IsRegistry1() =>
        Assert.That(ImageReference.TryParse("nginx", out var r, out _) ? r!.ApiHost : null, Is.EqualTo("registry-1.docker.io"));

    [TestCase("", "empty")]
    [TestCase("Nginx:1", "repository 'library/Nginx' is invalid")]
    [TestCase("registry.example.com/app:", "tag '' is invalid")]
    [TestCase("registry.example.com/app:-x", "tag '-x' is invalid")]
    [TestCase("app@sha256:123", "sha256")]
    [TestCase("a b", "spaces")]
    [TestCase("registry.example.com/../etc:1", "invalid")]
    // Found by the fuzz run: the registry becomes a URL's authority, and these are no host[:port].
    [TestCase("regi______________________________________________________________________stry.example.com:5000/app:1", "is not a host")]
    [TestCase("r.example:99999/app:1", "is not a host")]
    [TestCase("r.example%2f/app:1", "is not a host")]
    [TestCase("[::1/app:1", "is not a host")]
    public void TryParse_Invalid_SaysWhy(string text, string why)
    {
        Assert.That(ImageReference.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(why));
    }
}
