using System.Diagnostics;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>
/// One parent is very slow (its host-level upload limit is tiny) yet holds every piece, so the scheduler
/// offers it. Its children measure it, stop asking it, and finish from faster parents.
/// </summary>
[Category("Reliability")]
public sealed class SlowParentTests : ReliabilityFixture
{
    private const long Size = 48 * MiB;

    [Test]
    public async Task OneParentUploadsAt256KiBPerSecond_OthersCompleteInBoundedTime_TakingFewBytesFromIt()
    {
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), Size);
        // The children's piece timeout is 10 s (the default, 30 s, equals the stall timeout: without it the children
        // would give up on the swarm as they give up on the parent, and go to the source).
        var cluster = await StartClusterAsync(peers: 6, peerArgs: ["--download:pieceTimeout", "00:00:10"],
            peerArgsByIndex: new Dictionary<int, IReadOnlyList<string>> { [0] = ["--uploadRateLimit", "256K"] });
        var url = cluster.Origin.UrlOf("blob.bin");
        var slow = cluster.Peers[0];
        var first = await cluster.DfgetAsync(slow, url, Output(slow.Name + ".out"), cancellationToken: TestTimeout.Token);
        Assert.That(first.ExitCode, Is.Zero, first.StandardError);
        var children = cluster.Peers.Skip(1).ToArray();
        var clock = Stopwatch.StartNew();

        var results = await DfgetAllAsync(cluster, children, url);
        clock.Stop();

        ReportFigures("one parent uploads at 256 KiB/s", results.Count(r => r.ExitCode == 0), children.Length, cluster.Origin, Size, clock.Elapsed);
        AssertAllIdentical(children, results, expected);
        var fromSlow = await MetricAsync(MetricsUrl(slow), "dragonfly_peer_upload_bytes_total");
        foreach (var (peer, result) in children.Zip(results).Where(p => p.Second.Summary is not null))
        {
            TestContext.Out.WriteLine($"{peer.Name}: {result.Summary!.ElapsedMillis} ms, from the seed {result.Summary.FromSeed / MiB} MiB, from peers {result.Summary.FromPeers / MiB} MiB");
        }
        TestContext.Out.WriteLine($"the slow parent served {fromSlow / MiB:0.0} MiB of the {children.Length * Size / MiB} MiB its {children.Length} children fetched");
        var isolatedHosts = await MetricAsync(MetricsUrl(cluster, 0), "dragonfly_supernode_isolated_hosts");
        Assert.Multiple(() =>
        {
            // Waiting on the slow parent, ten 4 MiB pieces at 256 KiB/s would take 160 s, and the children would go
            // to the source at their 30 s stall timeout (FromSource below). Dropping it after one piece timeout
            // (10 s), they finish in about 15 s; the bound leaves room for a busy machine.
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(45)), "time until every child completed");
            Assert.That(isolatedHosts, Is.GreaterThanOrEqualTo(1), "the scheduler did not isolate the slow parent's host");
            Assert.That(fromSlow, Is.LessThan(Size / 4), "bytes the children took from the slow parent");
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "requests that reached the origin");
            foreach (var (peer, result) in children.Zip(results))
            {
                Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the origin");
            }
        });
    }
}
