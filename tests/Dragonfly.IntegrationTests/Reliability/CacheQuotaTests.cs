using System.Diagnostics;
using Dragonfly.Core;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>
/// A peer's cache quota runs out while downloads are running. What does not fit fails with an error that says
/// so; nothing partial is left that looks whole (no output, no cache entry), and the quota is given back.
/// </summary>
[Category("Reliability")]
public sealed class CacheQuotaTests : ReliabilityFixture
{
    private const string Quota = "64M";

    [Test]
    public async Task ThreeDownloadsAtOnceNeedMoreThanTheQuota_TwoComplete_TheThirdFailsClearly_AndSucceedsOnRetry()
    {
        const long size = 28 * MiB;
        var names = new[] { "a", "b", "c" };
        var expected = names.ToDictionary(n => n, n => TestFiles.WriteRandom(Path.Combine(OriginRoot, n), size));
        // The origin answers with the lengths and holds the bodies, so the peer fixes all three layouts within a few
        // milliseconds while nothing can complete: two fit in 64 MiB, the third does not. (This found a race: the
        // quota was checked, then reserved, so three layouts at once could all see the room free.)
        var cluster = await StartClusterAsync(peers: 1, peerArgs: ["--cache:quota", Quota]);
        var bodies = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Origin.HoldBodiesUntil = bodies.Task;
        var peer = cluster.Peers[0];
        var clock = Stopwatch.StartNew();

        var downloads = names.Select(n => cluster.DfgetAsync(peer, cluster.Origin.UrlOf(n), Output(n), cancellationToken: TestTimeout.Token)).ToArray();
        // The download that does not fit ends while the origin still holds every body; then the others may finish.
        // Well before the 30 s stall timeout that would send the held downloads to the source.
        await Task.WhenAny(Task.WhenAny(downloads), Task.Delay(TimeSpan.FromSeconds(20), TestTimeout.Token));
        var endedWhileHeld = downloads.Count(d => d.IsCompleted);
        bodies.SetResult();
        var results = await Task.WhenAll(downloads);
        clock.Stop();

        ReportFigures("cache quota full (3 x 28 MiB at once, 64 MiB quota)", results.Count(r => r.ExitCode == 0), names.Length, cluster.Origin, names.Length * size, clock.Elapsed);
        var failed = names.Zip(results).Where(p => p.Second.ExitCode != 0).ToArray();
        TestContext.Out.WriteLine(string.Join("", failed.Select(f => $"{f.First}: exit {f.Second.ExitCode}, {f.Second.StandardError}")));
        Assert.That(failed, Has.Length.EqualTo(1), "exactly one download should not fit: " + string.Join("; ", results.Select(r => r.StandardError)));
        Assert.That(endedWhileHeld, Is.EqualTo(1), "the download that does not fit should fail as soon as the lengths are known, before any body arrives");
        Assert.That(cluster.Origin.Requests, Is.EqualTo(names.Length), "only the seed should have asked the origin");
        var (failedName, failure) = failed[0];
        var metrics = await PrometheusText.ScrapeAsync(MetricsUrl(peer), TestTimeout.Token);
        Assert.Multiple(() =>
        {
            Assert.That(failure.ExitCode, Is.EqualTo(8), $"dfget's exit code for a full disk or cache: {failure.StandardError}");
            Assert.That(failure.StandardError, Does.Contain("cache quota of 64.0 MiB is full").And.Contain("raise cache:quota"), "the error does not say what ran out and what to do");
            AssertNoOutput(Output(failedName));
            foreach (var (name, result) in names.Zip(results).Where(p => p.First != failedName))
            {
                Assert.That(TestFiles.Sha256Of(Output(name)), Is.EqualTo(expected[name]), $"{name} differs from the source");
            }
            Assert.That(PrometheusText.Value(metrics, "dragonfly_peer_cache_used_bytes"), Is.EqualTo(2 * size), "the cache holds the two completed contents and nothing of the failed one");
            Assert.That(CompletedTasks(peer), Is.EquivalentTo(names.Where(n => n != failedName).Select(n => TaskOf(cluster, n))), "contents the cache lists as complete");
        });

        var retry = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf(failedName), Output(failedName), cancellationToken: TestTimeout.Token);

        Assert.That(retry.ExitCode, Is.Zero, "the error said to retry once the running downloads are done: " + retry.StandardError);
        Assert.That(TestFiles.Sha256Of(Output(failedName)), Is.EqualTo(expected[failedName]));
    }

    [Test]
    public async Task ContentOfUnknownLengthOutgrowsTheQuotaMidDownload_FailsClearly_NothingPartialKept()
    {
        const long size = 96 * MiB;
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "stream.bin"), size);
        var cluster = await StartClusterAsync(peers: 1, peerArgs: ["--cache:quota", Quota], originRateLimit: 64 * MiB);
        // No Content-Length: the peer cannot check the quota up front, only as the content grows.
        cluster.Origin.OmitContentLength = true;
        var peer = cluster.Peers[0];
        var url = cluster.Origin.UrlOf("stream.bin");
        var clock = Stopwatch.StartNew();

        var result = await cluster.DfgetAsync(peer, url, Output("out"), cancellationToken: TestTimeout.Token);
        clock.Stop();

        ReportFigures("cache quota outgrown (96 MiB of unknown length, 64 MiB quota)", result.ExitCode == 0 ? 1 : 0, 1, cluster.Origin, size, clock.Elapsed);
        TestContext.Out.WriteLine($"exit {result.ExitCode}, {result.StandardError}");
        var taskFolder = Path.Combine(WorkDir, peer.Name + "-data", TaskOf(cluster, "stream.bin")[..2], TaskOf(cluster, "stream.bin"));
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(8), $"dfget's exit code for a full disk or cache: {result.StandardError}");
            Assert.That(result.StandardError, Does.Contain("cache quota").And.Contain("raise cache:quota"), "the error does not say what ran out and what to do");
            AssertNoOutput(Output("out"));
            Assert.That(CompletedTasks(peer), Is.Empty, "the cache lists content as complete");
            Assert.That(Directory.Exists(taskFolder), Is.False, "the partial content is still on disk");
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "going to the source would not have made the content fit");
        });
        await WaitUntilAsync(async () => await MetricAsync(MetricsUrl(peer), "dragonfly_peer_cache_used_bytes") == 0,
            TimeSpan.FromSeconds(10), "the failed download's bytes still count against the quota");
    }

    private static string TaskOf(LocalCluster.LocalCluster cluster, string name) => new ContentKey(cluster.Origin.UrlOf(name).ToString()).ToTaskId().Value;

    /// <summary>Task ids whose content the peer's cache holds as complete (a <c>meta.json</c> beside the data).</summary>
    private string[] CompletedTasks(PeerHandle peer) =>
        Directory.EnumerateFiles(Path.Combine(WorkDir, peer.Name + "-data"), "meta.json", SearchOption.AllDirectories)
            .Select(path => Path.GetFileName(Path.GetDirectoryName(path)!)).ToArray();
}
