using System.Text;
using Dragonfly.Core;

namespace Dragonfly.Core.Tests;

public sealed class DigestTests
{
    [Test]
    public void Compute_Abc_MatchesTheSha256TestVector() =>
        Assert.That(Digest.Compute(Encoding.ASCII.GetBytes("abc")).ToString(),
            Is.EqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));

    [Test]
    public void TryParse_Valid_RoundTrips()
    {
        const string text = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        Assert.That(Digest.TryParse(text, out var digest, out _), Is.True);
        Assert.That(digest!.Value.ToString(), Is.EqualTo(text));
    }

    [TestCase("", "empty")]
    [TestCase("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "no algorithm")]
    [TestCase("md5:900150983cd24fb0d6963f7d28e17f72", "'md5' is not supported")]
    [TestCase("sha256:abc", "64 lowercase hex")]
    [TestCase("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", "64 lowercase hex")]
    [TestCase("sha256:../../../../etc/passwd0000000000000000000000000000000000000000", "64 lowercase hex")]
    public void TryParse_Invalid_SaysWhy(string text, string expected)
    {
        Assert.That(Digest.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Does.Contain(expected));
    }
}
