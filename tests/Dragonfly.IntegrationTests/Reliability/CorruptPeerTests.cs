using System.Diagnostics;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>A peer that lies: it claims every piece and serves random bytes. No byte of it may reach a file.</summary>
[Category("Reliability")]
public sealed class CorruptPeerTests : ReliabilityFixture
{
    [Test]
    public async Task OnePeerServesCorruptPieces_EveryPeerCompletesWithTheSourceBytes_LiarIsolated()
    {
        const long size = 48 * MiB;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        // A slow origin makes the seed announce pieces one by one, and the liar claims each at once, so it is
        // often the only peer offering a piece.
        var cluster = await StartClusterAsync(peers: 8, originRateLimit: 24 * MiB);
        var url = cluster.Origin.UrlOf("blob.bin");
        var liar = Own(await EvilPeer.StartAsync(cluster.SupernodeAddress));
        await liar.JoinAsync(url.ToString());
        var clock = Stopwatch.StartNew();

        var results = await DfgetAllAsync(cluster, cluster.Peers, url);
        clock.Stop();

        ReportFigures("one peer serves corrupt pieces", results.Count(r => r.ExitCode == 0), cluster.Peers.Count, cluster.Origin, size, clock.Elapsed);
        AssertAllIdentical(cluster.Peers, results, expected);
        var corruptPiecesDetected = 0.0;
        foreach (var peer in cluster.Peers)
        {
            corruptPiecesDetected += await MetricAsync(MetricsUrl(peer), "dragonfly_peer_piece_failures_total{parent=\"peer\",reason=\"digest_mismatch\"}");
        }
        var isolatedHosts = await MetricAsync(MetricsUrl(cluster, 0), "dragonfly_supernode_isolated_hosts");
        Assert.Multiple(() =>
        {
            Assert.That(liar.RequestsByClientIp.Values.Sum(), Is.GreaterThan(0), "the liar was never asked, so this test proved nothing");
            Assert.That(corruptPiecesDetected, Is.GreaterThan(0).And.LessThanOrEqualTo(liar.RequestsByClientIp.Values.Sum()), "corrupt pieces caught by their digest");
            foreach (var (ip, count) in liar.RequestsByClientIp)
            {
                // At most the pieces already in flight when the first corrupt one was caught (2 per parent).
                Assert.That(count, Is.LessThanOrEqualTo(2), $"peer {ip} kept asking the liar");
            }
            Assert.That(isolatedHosts, Is.GreaterThanOrEqualTo(1), "the supernode did not isolate the liar's host");
            foreach (var (peer, result) in cluster.Peers.Zip(results))
            {
                Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the origin because of the liar");
            }
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "requests that reached the origin");
            Assert.That(cluster.Origin.BytesServed, Is.EqualTo(size), "origin egress: one copy");
        });
    }
}
