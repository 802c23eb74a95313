using System.Diagnostics;
using System.Globalization;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>
/// What the fault scenarios share: many dfget runs at once, metrics of single components, and the figures
/// each scenario prints (TESTING.md quotes them). Every wait is bounded; nothing sleeps in place of a signal.
/// </summary>
public abstract class ReliabilityFixture : ClusterFixture
{
    protected const long MiB = 1024 * 1024;

    /// <summary>Runs dfget on each of <paramref name="peers"/> at once; results in the same order.</summary>
    protected Task<DfgetResult[]> DfgetAllAsync(LocalCluster.LocalCluster cluster, IEnumerable<PeerHandle> peers, Uri url, string suffix = ".out") =>
        Task.WhenAll(peers.Select(peer => cluster.DfgetAsync(peer, url, Output(peer.Name + suffix), cancellationToken: TestTimeout.Token)));

    /// <summary>Starts a download on <paramref name="peer"/> through its local API, to watch its progress.</summary>
    protected WatchedDownload Watch(PeerHandle peer, Uri url) => Own(new WatchedDownload(peer, url.ToString(), Output(peer.Name + ".out")));

    protected static string MetricsUrl(PeerHandle peer) => $"http://{peer.Ip}:{peer.Process.Port("uploadPort")}/metrics";

    /// <summary>Supernode <paramref name="index"/> serves /metrics on its piece port, at 127.0.0.(3 + index).</summary>
    protected static string MetricsUrl(LocalCluster.LocalCluster cluster, int index) =>
        $"http://127.0.0.{3 + index}:{cluster.Supernodes[index].Port("downloadPort")}/metrics";

    protected static async Task<double> MetricAsync(string url, string series) =>
        PrometheusText.Value(await PrometheusText.ScrapeAsync(url, TestTimeout.Token), series);

    /// <summary>Asserts that every run succeeded and wrote exactly the origin's bytes.</summary>
    protected void AssertAllIdentical(IEnumerable<PeerHandle> peers, IEnumerable<DfgetResult> results, string expectedSha256, string suffix = ".out")
    {
        Assert.Multiple(() =>
        {
            foreach (var (peer, result) in peers.Zip(results))
            {
                Assert.That(result.ExitCode, Is.Zero, $"{peer.Name}: {result.StandardError}");
                Assert.That(TestFiles.Sha256Of(Output(peer.Name + suffix)), Is.EqualTo(expectedSha256), $"{peer.Name} wrote bytes that differ from the source");
            }
        });
    }

    /// <summary>A failed download leaves no output, and no temporary file beside it that could be taken for one.</summary>
    protected void AssertNoOutput(string output)
    {
        Assert.That(File.Exists(output), Is.False, $"{output} exists although the download failed");
        var leftovers = Directory.EnumerateFiles(Path.GetDirectoryName(output)!, "." + Path.GetFileName(output) + ".dfget-*").ToArray();
        Assert.That(leftovers, Is.Empty, "temporary output files were left behind");
    }

    /// <summary>Prints one scenario's figures in the form TESTING.md records them.</summary>
    protected static void ReportFigures(string scenario, int completed, int total, OriginServer origin, long contentLength, TimeSpan elapsed)
    {
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FIGURES {scenario}: completed {completed}/{total}; origin served {origin.BytesServed} bytes = {(double)origin.BytesServed / contentLength:0.00} copies in {origin.Requests} requests; {elapsed.TotalSeconds:0.0} s"));
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> when <paramref name="timeout"/> passes first.</summary>
    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not within {timeout.TotalSeconds:0} s: {what}");
            }
            await poll.WaitForNextTickAsync(TestTimeout.Token);
        }
    }
}
