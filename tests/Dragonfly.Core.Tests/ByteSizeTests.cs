using Dragonfly.Core;

namespace Dragonfly.Core.Tests;

public sealed class ByteSizeTests
{
    [TestCase("0", 0L)]
    [TestCase("512", 512L)]
    [TestCase("64K", 65536L)]
    [TestCase("20M", 20971520L)]
    [TestCase("1.5G", 1610612736L)]
    [TestCase("100MiB", 104857600L)]
    [TestCase("10MB", 10000000L)]
    [TestCase(" 2 gib ", 2147483648L)]
    public void Parse_Valid(string text, long expected) => Assert.That(ByteSize.Parse(text), Is.EqualTo(expected));

    [TestCase("")]
    [TestCase("M")]
    [TestCase("12X")]
    [TestCase("-5M")]
    [TestCase("99999999999T")]
    public void TryParse_Invalid_False(string text) => Assert.That(ByteSize.TryParse(text, out _), Is.False);

    [Test]
    public void Parse_Invalid_MessageShowsExamples() =>
        Assert.That(() => ByteSize.Parse("fast"), Throws.TypeOf<FormatException>().With.Message.Contains("20M"));
}
