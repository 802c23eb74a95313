using Dragonfly.PeerDaemon.Mirror;

namespace Dragonfly.PeerDaemon.Tests.Mirror;

public sealed class RegistryUpstreamTests
{
    [TestCase("docker.io=https://registry-1.docker.io", "docker.io", "https://registry-1.docker.io/")]
    [TestCase("http://127.0.0.1:5000", "127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [TestCase("http://[::1]:5000", "[::1]:5000", "http://[::1]:5000/")]
    [TestCase("ghcr.io=https://ghcr.io:443/ignored/path", "ghcr.io", "https://ghcr.io/")]
    public void RegistryEntry_Parses(string entry, string name, string baseAddress)
    {
        Assert.That(RegistryUpstream.TryParseEntry(entry, out var upstream), Is.Null);
        Assert.That(upstream!.Name, Is.EqualTo(name));
        Assert.That(upstream.BaseAddress, Is.EqualTo(new Uri(baseAddress)));
    }

    [Test]
    public void UrlWhoseHostIsNoRegistryHost_IsRefusedInWords()
    {
        // Found by the fuzz test: Uri accepts this host but cannot parse it again once rebuilt, which threw.
        var problem = RegistryUpstream.TryParseEntry("o=http://\u202e.", out var upstream);

        Assert.That(problem, Does.Contain("is not a registry host"));
        Assert.That(upstream, Is.Null);
    }
}
