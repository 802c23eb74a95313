using System.Net;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>The HTTP proxy mode: matching URLs through the P2P engine, everything else relayed directly.</summary>
[TestFixture]
public sealed class FileProxyTests : ClusterFixture
{
    [Test]
    public async Task Get_MatchingUrlThroughThreePeerProxies_IdenticalBytesAndOneOriginRequest()
    {
        var path = Path.Combine(OriginRoot, "model.bin");
        TestFiles.WriteRandom(path, 24L << 20);
        File.WriteAllText(Path.Combine(OriginRoot, "notes.txt"), "not through the swarm\n");
        var cluster = await StartClusterAsync(3, peerArgs: ["--mirror:proxyRules:0", @"\.bin$"]);
        var expected = await File.ReadAllBytesAsync(path);

        var bodies = await Task.WhenAll(cluster.Peers.Select(async peer =>
        {
            using var client = ProxiedClient(peer);
            return await client.GetByteArrayAsync(cluster.Origin.UrlOf("model.bin"), TestTimeout.Token);
        }));
        var originAfterBlobs = cluster.Origin.Requests;
        using var direct = ProxiedClient(cluster.Peers[0]);
        var text = await direct.GetStringAsync(cluster.Origin.UrlOf("notes.txt"), TestTimeout.Token);
        using var missing = await direct.GetAsync(cluster.Origin.UrlOf("absent.bin"), TestTimeout.Token);

        Assert.Multiple(() =>
        {
            foreach (var body in bodies)
            {
                Assert.That(body, Is.EqualTo(expected));
            }
            Assert.That(originAfterBlobs, Is.EqualTo(1), "the origin served model.bin once, to the seed");
            Assert.That(text, Is.EqualTo("not through the swarm\n"));
            Assert.That(cluster.Origin.Requests, Is.GreaterThanOrEqualTo(3), "notes.txt and absent.bin went to the origin");
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    private static HttpClient ProxiedClient(PeerHandle peer) =>
        new(new SocketsHttpHandler { Proxy = new WebProxy("http://" + peer.MirrorAddress), UseProxy = true }) { Timeout = TimeSpan.FromMinutes(2) };
}
