using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>The piece cache's quota and TTL on real peer and supernode processes.</summary>
public sealed class CacheEvictionTests : ClusterFixture
{
    private const long Size = 24L << 20;

    [Test]
    public async Task PeerQuota_EvictsTheLeastRecentlyUsedContent_AndServesTheRestFromCache()
    {
        var expected = new[] { "a", "b", "c" }.ToDictionary(n => n, n => TestFiles.WriteRandom(Path.Combine(OriginRoot, n), Size));
        var cluster = await StartClusterAsync(peers: 1, peerArgs: ["--cache:quota", "64M"]);
        var peer = cluster.Peers[0];
        var metricsUrl = $"http://{peer.Ip}:{peer.Process.Port("metricsPort")}/metrics";

        foreach (var name in new[] { "a", "b", "c" })
        {
            var result = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf(name), Output(name + ".1"), cancellationToken: TestTimeout.Token);
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        }
        // 48 MiB held + 24 MiB new passes 90 % of 64 MiB: the oldest (a) goes, down to 80 %.
        var metrics = await PrometheusText.ScrapeAsync(metricsUrl, TestTimeout.Token);
        var again = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf("c"), Output("c.2"), cancellationToken: TestTimeout.Token);
        var evicted = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf("a"), Output("a.2"), cancellationToken: TestTimeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(PrometheusText.Value(metrics, "dragonfly_peer_cache_evictions_total{reason=\"quota\"}"), Is.EqualTo(1));
            Assert.That(PrometheusText.Value(metrics, "dragonfly_peer_cache_used_bytes"), Is.EqualTo(2 * Size));
            Assert.That(again.ExitCode, Is.Zero, again.StandardError);
            Assert.That(again.Summary!.FromLocalCache, Is.EqualTo(Size), "the most recently used content stays cached");
            Assert.That(evicted.ExitCode, Is.Zero, evicted.StandardError);
            Assert.That(evicted.Summary!.FromLocalCache, Is.Zero, "the evicted content is downloaded again");
            Assert.That(TestFiles.Sha256Of(Output("a.2")), Is.EqualTo(expected["a"]));
            Assert.That(TestFiles.Sha256Of(Output("c.2")), Is.EqualTo(expected["c"]));
        });
    }

    [Test]
    public async Task SupernodeTtl_EvictsIdleSeedContent_AndTheNextDownloadFetchesItAgain()
    {
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob"), Size);
        var cluster = await StartClusterAsync(peers: 2, supernodeArgs: ["--cache:ttl", "00:00:01", "--cache:gcInterval", "00:00:01"]);
        var url = cluster.Origin.UrlOf("blob");
        var first = await cluster.DfgetAsync(cluster.Peers[0], url, Output("first"), cancellationToken: TestTimeout.Token);
        Assert.That(first.ExitCode, Is.Zero, first.StandardError);

        var metrics = await PrometheusText.WaitForAsync($"http://127.0.0.3:{cluster.Supernode!.Port("metricsPort")}/metrics",
            "dragonfly_supernode_cache_evictions_total{reason=\"expired\"}", 1, TestTimeout.Token);
        var second = await cluster.DfgetAsync(cluster.Peers[1], url, Output("second"), cancellationToken: TestTimeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(PrometheusText.Value(metrics, "dragonfly_supernode_cache_used_bytes"), Is.Zero);
            Assert.That(second.ExitCode, Is.Zero, second.StandardError);
            Assert.That(TestFiles.Sha256Of(Output("second")), Is.EqualTo(expected));
            Assert.That(second.Summary!.FromSource, Is.Zero, "the supernode forgot the task and seeded it again; the peer never went to the source");
            Assert.That(cluster.Origin.Requests, Is.EqualTo(2), "the seed fetched the evicted content once more");
        });
    }
}
