namespace Dragonfly.Core.Tests;

public sealed class ByteRangeTests
{
    [TestCase("bytes=0-0", 0L, 0L)]
    [TestCase("bytes=4194304-8388607", 4194304L, 8388607L)]
    [TestCase("bytes=1-9223372036854775807", 1L, long.MaxValue)]
    public void TryParse_ClosedRange_FirstLastAndPositiveLength(string text, long first, long last)
    {
        Assert.That(ByteRange.TryParse(text, out var range), Is.True);
        Assert.That(range, Is.EqualTo(new ByteRange(first, last)));
        Assert.That(range!.Value.Length, Is.Positive);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("bytes=")]
    [TestCase("bytes=-5")]
    [TestCase("bytes=5-")]
    [TestCase("bytes=5-1")]
    [TestCase("bytes=0-1,2-3")]
    [TestCase("bytes= 0-1")]
    [TestCase("bytes=+0-1")]
    [TestCase("bytes=0--1")]
    [TestCase("BYTES=0-1")]
    [TestCase("bytes=99999999999999999999-99999999999999999999")]
    // Its length, 2^63, does not fit in a long: it used to parse with Length == long.MinValue.
    [TestCase("bytes=0-9223372036854775807")]
    public void TryParse_NotOneClosedRange_False(string? text) =>
        Assert.That(ByteRange.TryParse(text, out _), Is.False);
}
