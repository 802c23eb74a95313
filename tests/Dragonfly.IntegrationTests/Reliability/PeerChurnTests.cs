using System.Diagnostics;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>Peers die mid-transfer (a node drained, an OOM kill): the others finish from whoever is left.</summary>
[Category("Reliability")]
public sealed class PeerChurnTests : ReliabilityFixture
{
    [Test]
    public async Task ThirtyPercentOfPeersKilledMidTransfer_EverySurvivorCompletes_OriginServesOneCopy()
    {
        const long size = 64 * MiB;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        // A host-level download limit stretches each transfer over seconds, so the kills land while pieces flow.
        var cluster = await StartClusterAsync(peers: 10, peerArgs: ["--downloadRateLimit", "12M"]);
        var url = cluster.Origin.UrlOf("blob.bin");
        var victims = cluster.Peers.Take(3).Select(peer => Watch(peer, url)).ToArray();
        var survivors = cluster.Peers.Skip(3).ToArray();
        var clock = Stopwatch.StartNew();

        var downloads = DfgetAllAsync(cluster, survivors, url);
        // Each victim dies as soon as it holds two pieces: by then others are fetching from it.
        var uploadedByVictims = await Task.WhenAll(victims.Select(async victim =>
        {
            Assert.That(await victim.WaitForBytesAsync(8 * MiB, TestTimeout.Token), Is.True, $"{victim.Peer.Name}'s download ended before it was killed");
            var uploaded = await MetricAsync(MetricsUrl(victim.Peer), "dragonfly_peer_upload_bytes_total");
            await victim.Peer.Process.KillAsync();
            return uploaded;
        }));
        Assert.That(downloads.IsCompleted, Is.False, "the survivors finished before the kills; the test would prove nothing");
        var results = await downloads;
        clock.Stop();

        ReportFigures("30% of peers killed", results.Count(r => r.ExitCode == 0), survivors.Length, cluster.Origin, size, clock.Elapsed);
        AssertAllIdentical(survivors, results, expected);
        var supernodeMetrics = MetricsUrl(cluster, 0);
        // The killed peers' piece streams closed: the scheduler no longer offers them as parents.
        await WaitUntilAsync(async () => await MetricAsync(supernodeMetrics, "dragonfly_supernode_scheduler_peers") <= survivors.Length,
            TimeSpan.FromSeconds(30), "the scheduler still lists the killed peers");
        Assert.Multiple(() =>
        {
            Assert.That(uploadedByVictims.Sum(), Is.GreaterThan(0), "no victim had served a byte before it died; the kills disturbed nobody");
            foreach (var (peer, result) in survivors.Zip(results))
            {
                Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the origin");
                Assert.That(result.Summary.Total, Is.EqualTo(size), $"{peer.Name} fetched pieces twice");
            }
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "requests that reached the origin (the seed's only)");
            Assert.That(cluster.Origin.BytesServed, Is.EqualTo(size), "origin egress: one copy");
            foreach (var victim in victims)
            {
                AssertNoOutput(victim.Output);
            }
        });
    }
}
