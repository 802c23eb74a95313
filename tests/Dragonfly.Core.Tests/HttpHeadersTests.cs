using Dragonfly.Core;

namespace Dragonfly.Core.Tests;

public sealed class HttpHeadersTests
{
    [Test]
    public void TryCollect_Valid_CaseInsensitiveLastWins()
    {
        var problem = HttpHeaders.TryCollect([new("Authorization", "a"), new("authorization", "b"), new("X-Token", "t")], out var headers);
        Assert.That(problem, Is.Null);
        Assert.That(headers["AUTHORIZATION"], Is.EqualTo("b"));
        Assert.That(headers, Has.Count.EqualTo(2));
    }

    [TestCase("", "v", "not a valid HTTP header name")]
    [TestCase("Bad Name", "v", "not a valid HTTP header name")]
    [TestCase("Host:", "v", "not a valid HTTP header name")]
    [TestCase("X-Inject", "a\r\nEvil: 1", "line break")]
    public void TryCollect_Invalid_SaysWhy(string name, string value, string expected) =>
        Assert.That(HttpHeaders.TryCollect([new(name, value)], out _), Does.Contain(expected));
}
