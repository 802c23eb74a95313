namespace Dragonfly.Grpc.Tests;

[TestFixture]
public sealed class MetadataTests
{
    [Test]
    public void Add_UppercaseKey_StoredLowercase()
    {
        var metadata = new Metadata { { "X-Request-Id", "42" } };

        Assert.Multiple(() =>
        {
            Assert.That(metadata.Single().Key, Is.EqualTo("x-request-id"));
            Assert.That(metadata.GetValue("x-request-id"), Is.EqualTo("42"));
        });
    }

    [TestCase("bad key")]
    [TestCase("bad:key")]
    [TestCase("")]
    [TestCase("ключ")]
    public void Add_InvalidKey_Throws(string key)
    {
        var metadata = new Metadata();

        Assert.That(() => metadata.Add(key, "v"), Throws.InstanceOf<ArgumentException>());
    }

    [TestCase("ä")]
    [TestCase("line\nbreak")]
    public void Add_NonPrintableAsciiValue_Throws(string value)
    {
        var metadata = new Metadata();

        Assert.That(() => metadata.Add("x-key", value), Throws.ArgumentException);
    }

    [TestCase("AAEC")]
    [TestCase("AAE")]
    [TestCase("AA==")]
    public void Add_BinaryKeyWithBase64_Accepted(string value)
    {
        var metadata = new Metadata { { "x-trace-bin", value } };

        Assert.That(metadata.GetValue("x-trace-bin"), Is.EqualTo(value));
    }

    [TestCase("not base64!")]
    // Found by the fuzz run: base64 decoding skips whitespace, so these passed and a line break reached the header.
    [TestCase("AAEC\r\nX-Injected: 1")]
    [TestCase("AA EC")]
    [TestCase("AAEC\t")]
    public void Add_BinaryKeyWithNonBase64_Throws(string value)
    {
        var metadata = new Metadata();

        Assert.That(() => metadata.Add("x-trace-bin", value), Throws.ArgumentException);
    }

    [Test]
    public void GetValue_MissingKey_ReturnsNull()
    {
        Assert.That(new Metadata().GetValue("absent"), Is.Null);
    }

    [Test]
    public void GetValue_RepeatedKey_ReturnsFirst()
    {
        var metadata = new Metadata { { "k", "1" }, { "k", "2" } };

        Assert.Multiple(() =>
        {
            Assert.That(metadata.GetValue("k"), Is.EqualTo("1"));
            Assert.That(metadata, Has.Count.EqualTo(2));
        });
    }
}
