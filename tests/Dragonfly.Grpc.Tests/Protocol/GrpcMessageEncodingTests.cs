using Dragonfly.Grpc.Protocol;

namespace Dragonfly.Grpc.Tests.Protocol;

[TestFixture]
public sealed class GrpcMessageEncodingTests
{
    [Test]
    public void Encode_PrintableAscii_Unchanged()
    {
        Assert.That(GrpcMessageEncoding.Encode("Not found: key ~ [a]"), Is.EqualTo("Not found: key ~ [a]"));
    }

    [TestCase("ä", "%C3%A4")]
    [TestCase("100%", "100%25")]
    [TestCase("a\r\nb", "a%0D%0Ab")]
    [TestCase("✓", "%E2%9C%93")]
    public void Encode_NonPrintableOrPercent_PercentEncodesUtf8Bytes(string message, string expected)
    {
        Assert.That(GrpcMessageEncoding.Encode(message), Is.EqualTo(expected));
    }

    [TestCase("plain")]
    [TestCase("ünïcødé ✓ 你好 😀")]
    [TestCase("50% done\t\r\n")]
    [TestCase("")]
    public void Decode_EncodedMessage_RoundTrips(string message)
    {
        Assert.That(GrpcMessageEncoding.Decode(GrpcMessageEncoding.Encode(message)), Is.EqualTo(message));
    }

    [TestCase("100%", "100%")]
    [TestCase("%zz", "%zz")]
    [TestCase("%4", "%4")]
    [TestCase("a%41b", "aAb")]
    public void Decode_MalformedOrPartialEscapes_KeptAsText(string encoded, string expected)
    {
        Assert.That(GrpcMessageEncoding.Decode(encoded), Is.EqualTo(expected));
    }

    [Test]
    public void Decode_Null_ReturnsEmpty()
    {
        Assert.That(GrpcMessageEncoding.Decode(null), Is.Empty);
    }
}
