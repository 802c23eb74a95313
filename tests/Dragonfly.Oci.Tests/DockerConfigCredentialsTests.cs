using System.Text;

namespace Dragonfly.Oci.Tests;

public sealed class DockerConfigCredentialsTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Test]
    public void BasicAuthorizationFor_AuthField_UrlAndHostKeys()
    {
        var credentials = DockerConfigCredentials.Parse($$$"""
            {"auths": {
              "https://index.docker.io/v1/": {"auth": "{{{B64("hub:secret")}}}"},
              "127.0.0.1:5000": {"auth": "{{{B64("alice:pw")}}}"},
              "https://registry.example.com": {"username": "bob", "password": "p:w"}
            }}
            """);

        Assert.Multiple(() =>
        {
            Assert.That(credentials.BasicAuthorizationFor("docker.io"), Is.EqualTo("Basic " + B64("hub:secret")));
            Assert.That(credentials.BasicAuthorizationFor("127.0.0.1:5000"), Is.EqualTo("Basic " + B64("alice:pw")));
            Assert.That(credentials.BasicAuthorizationFor("registry.example.com"), Is.EqualTo("Basic " + B64("bob:p:w")));
            Assert.That(credentials.BasicAuthorizationFor("other.example.com"), Is.Null);
        });
    }

    [TestCase("not json", "not JSON")]
    [TestCase("{}", "no \"auths\"")]
    [TestCase("{\"auths\": {\"r\": {\"auth\": \"***\"}}}", "not base64")]
    [TestCase("{\"auths\": {\"r\": {\"auth\": \"bm9jb2xvbg==\"}}}", "user:password")]
    [TestCase("{\"auths\": {\"r\": 3}}", "not an object")]
    // Found by the fuzz run: these used to throw InvalidOperationException or ArgumentException.
    [TestCase("null", "no \"auths\"")]
    [TestCase("[]", "no \"auths\"")]
    [TestCase("{\"auths\": {\"r\": {\"auth\": 5}}}", "\"auth\" that is not a string")]
    [TestCase("{\"auths\": {\"r\": {\"username\": [], \"password\": \"p\"}}}", "\"username\" that is not a string")]
    [TestCase("\ud800", "not JSON")]
    public void Parse_Malformed_SaysWhat(string json, string why) =>
        Assert.That(() => DockerConfigCredentials.Parse(json), Throws.TypeOf<FormatException>().With.Message.Contains(why));
}
