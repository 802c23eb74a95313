using System.Diagnostics;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>
/// The source fails intermittently (a 503 from an overloaded registry, a connection reset by a load balancer).
/// The seed absorbs it: the swarm completes without any peer going to the source and without a second copy.
/// A source that never answers makes the download fail with an error that names it.
/// </summary>
[Category("Reliability")]
public sealed class FlakyOriginTests : ReliabilityFixture
{
    [TestCase(OriginFault.ServiceUnavailable)]
    [TestCase(OriginFault.ResetMidBody)]
    public async Task OriginFailsEveryOtherRequest_EveryPeerCompletes_OriginServesAboutOneCopy(OriginFault fault)
    {
        const long size = 32 * MiB;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        var cluster = await StartClusterAsync(peers: 6, originRateLimit: 32 * MiB);
        // The 1st, 3rd, 5th ... requests fail: the first one the seed makes among them.
        cluster.Origin.Fault = fault;
        cluster.Origin.FaultEvery = 2;
        var url = cluster.Origin.UrlOf("blob.bin");
        var clock = Stopwatch.StartNew();

        var results = await DfgetAllAsync(cluster, cluster.Peers, url);
        clock.Stop();

        ReportFigures($"origin {fault} on every 2nd request", results.Count(r => r.ExitCode == 0), cluster.Peers.Count, cluster.Origin, size, clock.Elapsed);
        AssertAllIdentical(cluster.Peers, results, expected);
        Assert.Multiple(() =>
        {
            Assert.That(cluster.Origin.FaultsInjected, Is.GreaterThanOrEqualTo(1), "no fault was injected, so this test proved nothing");
            foreach (var (peer, result) in cluster.Peers.Zip(results))
            {
                Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the origin: the seed did not absorb the fault");
            }
            // A 503 costs no bytes; a reset costs the half sent before it, resumed rather than sent again.
            Assert.That(cluster.Origin.BytesServed, Is.LessThanOrEqualTo(size + size / 2), "origin egress");
            Assert.That(cluster.Origin.Requests, Is.LessThanOrEqualTo(4), "requests that reached the origin");
        });
    }

    [Test]
    public async Task OriginAlwaysUnavailable_DownloadFailsNamingTheSourceStatus_NoOutputLeft()
    {
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), 8 * MiB);
        var cluster = await StartClusterAsync(peers: 2);
        cluster.Origin.Fault = OriginFault.ServiceUnavailable;
        var url = cluster.Origin.UrlOf("blob.bin");
        var clock = Stopwatch.StartNew();

        var results = await DfgetAllAsync(cluster, cluster.Peers, url);
        clock.Stop();

        ReportFigures("origin always 503", results.Count(r => r.ExitCode == 0), cluster.Peers.Count, cluster.Origin, 8 * MiB, clock.Elapsed);
        TestContext.Out.WriteLine($"exit {results[0].ExitCode}, {results[0].StandardError}");
        var seedFetches = await MetricAsync(MetricsUrl(cluster, 0), "dragonfly_supernode_seed_fetches_total{result=\"failed\"}");
        Assert.Multiple(() =>
        {
            foreach (var (peer, result) in cluster.Peers.Zip(results))
            {
                Assert.That(result.ExitCode, Is.EqualTo(6), $"{peer.Name}: dfget's exit code for a failed download; stderr: {result.StandardError}");
                Assert.That(result.StandardError, Does.Contain("503").And.Contain(url.ToString()), $"{peer.Name}: the error names neither the status nor the source");
                AssertNoOutput(Output(peer.Name + ".out"));
            }
            Assert.That(cluster.Origin.BytesServed, Is.Zero);
            Assert.That(seedFetches, Is.InRange(1, cluster.Peers.Count), "failed seed fetches (one per attempt of the task)");
            // Retries are bounded: a few by each seed fetch, then a few by each peer on its own.
            Assert.That(cluster.Origin.Requests, Is.LessThanOrEqualTo(3 * (seedFetches + cluster.Peers.Count)), "requests that reached the origin");
        });
    }

    [Test]
    public async Task SourceUnreachable_DownloadFailsNamingTheSource_NotTheDaemon()
    {
        var cluster = await StartClusterAsync(peers: 1);
        // Nothing listens on port 1 of the origin's address: every connection is refused.
        var url = new Uri("http://127.0.0.2:1/blob.bin");

        var result = await cluster.DfgetAsync(cluster.Peers[0], url, Output("out"), cancellationToken: TestTimeout.Token);

        TestContext.Out.WriteLine($"exit {result.ExitCode}, {result.StandardError}");
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(6), $"dfget's exit code for a failed download; stderr: {result.StandardError}");
            Assert.That(result.StandardError, Does.Contain(url.ToString()), "the error does not name the source");
            Assert.That(result.StandardError, Does.Not.Contain("peer daemon"), "a refused source was reported as an unreachable daemon");
            AssertNoOutput(Output("out"));
        });
    }
}
