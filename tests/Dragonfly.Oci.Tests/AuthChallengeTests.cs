namespace Dragonfly.Oci.Tests;

public sealed class AuthChallengeTests
{
    [Test]
    public void TryParse_BearerChallenge_Parameters()
    {
        Assert.That(AuthChallenge.TryParse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/ubuntu:pull\"", out var challenge), Is.True);
        Assert.That(challenge!.IsBearer, Is.True);
        Assert.That(challenge.Realm, Is.EqualTo("https://auth.docker.io/token"));
        Assert.That(challenge.Service, Is.EqualTo("registry.docker.io"));
        Assert.That(challenge.Scope, Is.EqualTo("repository:library/ubuntu:pull"));
    }

    [Test]
    public void TryParse_QuotedCommaAndEscape_Kept()
    {
        Assert.That(AuthChallenge.TryParse("Bearer realm=\"http://a/t\", scope=\"repository:a:pull,push\", error=\"say \\\"no\\\"\"", out var challenge), Is.True);
        Assert.That(challenge!.Scope, Is.EqualTo("repository:a:pull,push"));
        Assert.That(challenge.Parameters["error"], Is.EqualTo("say \"no\""));
    }

    [TestCase("Basic realm=\"Registry Realm\"", "Basic")]
    [TestCase("Basic", "Basic")]
    public void TryParse_OtherSchemes_NotBearer(string header, string scheme)
    {
        Assert.That(AuthChallenge.TryParse(header, out var challenge), Is.True);
        Assert.That(challenge!.Scheme, Is.EqualTo(scheme));
        Assert.That(challenge.IsBearer, Is.False);
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("Bearer realm=\"unterminated")]
    [TestCase("=x")]
    public void TryParse_Malformed_False(string header)
    {
        Assert.That(AuthChallenge.TryParse(header, out _), Is.False);
    }
}
