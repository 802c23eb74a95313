using Dragonfly.Grpc.Protocol;

namespace Dragonfly.Grpc.Tests.Protocol;

[TestFixture]
public sealed class GrpcTimeoutTests
{
    [TestCase("1H", 36_000_000_000L)]
    [TestCase("2M", 1_200_000_000L)]
    [TestCase("3S", 30_000_000L)]
    [TestCase("250m", 2_500_000L)]
    [TestCase("100u", 1_000L)]
    [TestCase("1000n", 10L)]
    [TestCase("1n", 1L)]
    [TestCase("00000005S", 50_000_000L)]
    public void TryParse_ValidValue_ReturnsTimeoutRoundedUpToTicks(string value, long expectedTicks)
    {
        var parsed = GrpcTimeout.TryParse(value, out var timeout);

        Assert.Multiple(() =>
        {
            Assert.That(parsed, Is.True);
            Assert.That(timeout.Ticks, Is.EqualTo(expectedTicks));
        });
    }

    [TestCase("")]
    [TestCase("S")]
    [TestCase("123456789S")]
    [TestCase("10x")]
    [TestCase("-1S")]
    [TestCase("1.5S")]
    [TestCase("10 S")]
    [TestCase("10s")]
    public void TryParse_InvalidValue_ReturnsFalse(string value)
    {
        Assert.That(GrpcTimeout.TryParse(value, out _), Is.False);
    }

    [TestCase(1L, "100n")]
    [TestCase(10_000L, "1000000n")]
    [TestCase(1_000_000L, "100000u")]
    [TestCase(10_000_000L, "1000000u")]
    [TestCase(1_200_000_000L, "120000m")]
    [TestCase(36_000_000_000L, "3600000m")]
    public void Format_Timeout_UsesFinestUnitThatFitsEightDigits(long ticks, string expected)
    {
        Assert.That(GrpcTimeout.Format(TimeSpan.FromTicks(ticks)), Is.EqualTo(expected));
    }

    [Test]
    public void Format_VeryLongTimeout_StaysWithinEightDigits()
    {
        Assert.That(GrpcTimeout.Format(TimeSpan.FromDays(3650)), Does.Match(@"^\d{1,8}[HMSmun]$"));
    }

    [TestCase(1L)]
    [TestCase(12_345L)]
    [TestCase(123_456_789L)]
    [TestCase(987_654_321_012L)]
    public void FormatThenTryParse_AnyTimeout_NeverShorter(long ticks)
    {
        var timeout = TimeSpan.FromTicks(ticks);

        GrpcTimeout.TryParse(GrpcTimeout.Format(timeout), out var roundTripped);

        Assert.That(roundTripped, Is.GreaterThanOrEqualTo(timeout));
    }

    [Test]
    public void Format_ZeroTimeout_Throws()
    {
        Assert.That(() => GrpcTimeout.Format(TimeSpan.Zero), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
