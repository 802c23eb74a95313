using Dragonfly.Core;

namespace Dragonfly.Core.Tests;

public sealed class ContentKeyTests
{
    private const string Digest = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Test]
    public void ToTaskId_WithDigest_IsTheDigestWhateverTheUrl()
    {
        var a = new ContentKey("http://registry-a/v2/x/blobs/" + Digest, Digest).ToTaskId();
        var b = new ContentKey("https://registry-b/v2/y/blobs/" + Digest, Digest).ToTaskId();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.Value, Is.EqualTo(Digest["sha256:".Length..]));
    }

    [Test]
    public void ToTaskId_FilteredQueryParameters_DoNotChangeTheTask()
    {
        var a = new ContentKey("http://h/f?Signature=abc&Expires=1&v=2", Filter: "Signature&Expires").ToTaskId();
        var b = new ContentKey("http://h/f?Signature=zzz&Expires=9&v=2", Filter: "Signature&Expires").ToTaskId();
        var c = new ContentKey("http://h/f?Signature=zzz&Expires=9&v=3", Filter: "Signature&Expires").ToTaskId();
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void ToTaskId_TagAndRange_SeparateTasks()
    {
        var plain = new ContentKey("http://h/f").ToTaskId();
        Assert.That(new ContentKey("http://h/f", Tag: "t").ToTaskId(), Is.Not.EqualTo(plain));
        Assert.That(new ContentKey("http://h/f", Range: "bytes=0-9").ToTaskId(), Is.Not.EqualTo(plain));
    }

    [TestCase("ftp://h/f", null, null, "not an absolute http or https URL")]
    [TestCase("/relative", null, null, "not an absolute http or https URL")]
    // Found by the fuzz run: Uri.TryCreate threw IndexOutOfRangeException on these, so the caller got no answer.
    [TestCase("//\u202e", null, null, "not an absolute http or https URL")]
    [TestCase("file://\u202e", null, null, "not an absolute http or https URL")]
    [TestCase("https:///no-host", null, null, "not an absolute http or https URL")]
    [TestCase("http://h/f", "sha256:xyz", null, "64 lowercase hex")]
    [TestCase("http://h/f", null, "bytes=9-1", "bytes=<first>-<last>")]
    public void Validate_BadInput_SaysWhat(string url, string? digest, string? range, string expected) =>
        Assert.That(new ContentKey(url, digest, Range: range).Validate(), Does.Contain(expected));

    [Test]
    public void Validate_GoodInput_Null() => Assert.That(new ContentKey("https://h/f", Digest).Validate(), Is.Null);
}
