using System.Diagnostics;
using Dragonfly.Core;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>Three supernode replicas; a task's home replica dies mid-task and its peers move to the next one.</summary>
[Category("Reliability")]
public sealed class SupernodeLossTests : ReliabilityFixture
{
    [Test]
    public async Task HomeSupernodeKilledMidTask_EveryPeerCompletes_NoPeerGoesToTheOrigin()
    {
        const long size = 48 * MiB;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        // A slow origin keeps the home's seed fetching for seconds, so the kill lands mid-task.
        var cluster = await StartClusterAsync(peers: 6, supernodes: 3, originRateLimit: 12 * MiB);
        var url = cluster.Origin.UrlOf("blob.bin");
        var order = RendezvousHash.Order(new ContentKey(url.ToString()).ToTaskId(), cluster.SupernodeAddresses, address => address);
        var homeIndex = cluster.SupernodeAddresses.ToList().IndexOf(order[0]);
        var watched = Watch(cluster.Peers[0], url);
        var others = cluster.Peers.Skip(1).ToArray();
        var clock = Stopwatch.StartNew();

        var downloads = DfgetAllAsync(cluster, others, url);
        Assert.That(await watched.WaitForBytesAsync(8 * MiB, TestTimeout.Token), Is.True, "the watched download ended before the kill");
        Assert.That(watched.Last!.CompletedBytes, Is.LessThan(size), "the watched peer finished before the kill; the test would prove nothing");
        await cluster.Supernodes[homeIndex].KillAsync();
        var watchedEnd = await watched.WaitForEndAsync(TestTimeout.Token);
        var results = await downloads;
        clock.Stop();

        ReportFigures("home supernode killed (1 of 3)", results.Count(r => r.ExitCode == 0) + (watchedEnd is { Done: true } ? 1 : 0), cluster.Peers.Count, cluster.Origin, size, clock.Elapsed);
        Assert.That(watchedEnd?.Done, Is.True, "the watched download's stream ended without its final message");
        AssertAllIdentical(others, results, expected);
        var failovers = 0.0;
        foreach (var peer in cluster.Peers)
        {
            failovers += await MetricAsync(MetricsUrl(peer), "dragonfly_peer_supernode_failovers_total");
        }
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(watched.Output), Is.EqualTo(expected), "the watched peer's bytes differ from the source");
            Assert.That(watchedEnd!.Traffic.FromSource, Is.Zero, "the watched peer went to the origin instead of the next supernode");
            Assert.That(watchedEnd.Traffic.FromSeed + watchedEnd.Traffic.FromPeers, Is.EqualTo(size), "the watched peer fetched pieces it already held again");
            foreach (var (peer, result) in others.Zip(results))
            {
                Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the origin instead of the next supernode");
                Assert.That(result.Summary.Total, Is.EqualTo(size), $"{peer.Name} fetched pieces it already held again");
            }
            Assert.That(failovers, Is.GreaterThanOrEqualTo(1), "no peer recorded a move to the next replica");
            // The dead home's seed (cut short) and the next replica's: at most two copies, never one per peer.
            Assert.That(cluster.Origin.Requests, Is.EqualTo(2), "requests that reached the origin");
            Assert.That(cluster.Origin.BytesServed, Is.LessThanOrEqualTo(2 * size), "origin egress");
        });
    }
}
