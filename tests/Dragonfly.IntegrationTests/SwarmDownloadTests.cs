using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

public sealed class SwarmDownloadTests : ClusterFixture
{
    private const long Size = 96L * 1024 * 1024;

    [Test]
    public async Task EightPeers_FetchOneFileAtOnce_CopiesIdenticalOriginServedOneCopyMostBytesFromPeers()
    {
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), Size);
        var cluster = await StartClusterAsync(peers: 8);
        var url = cluster.Origin.UrlOf("blob.bin");

        var results = await Task.WhenAll(cluster.Peers.Select(peer =>
            cluster.DfgetAsync(peer, url, Output(peer.Name + ".out"), cancellationToken: TestTimeout.Token)));

        Assert.Multiple(() =>
        {
            foreach (var result in results)
            {
                Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            }
        });
        foreach (var peer in cluster.Peers)
        {
            Assert.That(TestFiles.Sha256Of(Output(peer.Name + ".out")), Is.EqualTo(expected), $"{peer.Name}'s copy differs from the source");
        }
        var fromPeers = results.Sum(r => r.Summary!.FromPeers);
        var total = results.Sum(r => r.Summary!.Total);
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "requests that reached the origin");
            Assert.That(cluster.Origin.BytesServed, Is.EqualTo(Size), "bytes the origin served (exactly one copy)");
            Assert.That(results.Sum(r => r.Summary!.FromSource), Is.Zero, "no peer should have gone to the source");
            Assert.That(total, Is.EqualTo(8 * Size));
            Assert.That(fromPeers, Is.GreaterThanOrEqualTo(total / 2), $"bytes from other peers: {fromPeers} of {total}");
        });
    }

    [Test]
    public async Task SecondDownload_OnSamePeer_ServedFromLocalCache()
    {
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "small.bin"), 5 * 1024 * 1024 + 17);
        var cluster = await StartClusterAsync(peers: 1);
        var url = cluster.Origin.UrlOf("small.bin");

        var first = await cluster.DfgetAsync(cluster.Peers[0], url, Output("a.out"), cancellationToken: TestTimeout.Token);
        var second = await cluster.DfgetAsync(cluster.Peers[0], url, Output("b.out"), cancellationToken: TestTimeout.Token);

        Assert.That(first.ExitCode, Is.Zero, first.StandardError);
        Assert.That(second.ExitCode, Is.Zero, second.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(Output("a.out")), Is.EqualTo(expected));
            Assert.That(TestFiles.Sha256Of(Output("b.out")), Is.EqualTo(expected));
            Assert.That(second.Summary!.FromLocalCache, Is.EqualTo(5 * 1024 * 1024 + 17));
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1));
        });
    }
}
