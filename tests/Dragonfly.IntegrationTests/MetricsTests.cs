using System.Text.RegularExpressions;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>
/// /metrics of the real supernode and peer processes after a swarm download: valid Prometheus text (checked by
/// promtool, Debian's prometheus package) with figures that add up to what happened.
/// </summary>
public sealed partial class MetricsTests : ClusterFixture
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Test]
    public async Task MetricsOfSupernodeAndPeers_PassPromtool_AndCountTheDownload()
    {
        const long size = 24L << 20;
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "data.bin"), size);
        var cluster = await StartClusterAsync(peers: 3);
        var url = cluster.Origin.UrlOf("data.bin");

        var results = await Task.WhenAll(cluster.Peers.Select(p => cluster.DfgetAsync(p, url, Output(p.Name + ".out"), cancellationToken: TestTimeout.Token)));
        Assert.That(results.Select(r => r.ExitCode), Is.All.Zero);

        var supernode = await ScrapeAndCheckAsync($"http://127.0.0.3:{cluster.Supernode!.Port("metricsPort")}/metrics", "supernode");
        var peers = new List<string>();
        foreach (var peer in cluster.Peers)
        {
            peers.Add(await ScrapeAndCheckAsync($"http://{peer.Ip}:{peer.Process.Port("metricsPort")}/metrics", peer.Name));
        }

        Assert.Multiple(() =>
        {
            Assert.That(Value(supernode, "dragonfly_supernode_source_bytes_total"), Is.EqualTo(size), "the seed fetched one copy");
            Assert.That(Value(supernode, "dragonfly_supernode_seed_fetches_total{result=\"succeeded\"}"), Is.EqualTo(1));
            Assert.That(Value(supernode, "dragonfly_supernode_peer_registrations_total"), Is.EqualTo(3));
            Assert.That(Value(supernode, "dragonfly_supernode_cache_used_bytes"), Is.EqualTo(size), "the seed's cache holds the file");
            Assert.That(Value(supernode, "dragonfly_supernode_cache_tasks"), Is.EqualTo(1));
            Assert.That(Value(supernode, "dragonfly_supernode_scheduler_tasks"), Is.EqualTo(1));
            Assert.That(supernode, Does.Contain("dragonfly_supernode_isolated_hosts 0"));
            foreach (var text in peers)
            {
                Assert.That(Value(text, "dragonfly_peer_downloads_total{result=\"succeeded\"}"), Is.EqualTo(1));
                var bySource = new[] { "origin", "supernode", "peer" }.Sum(s => Value(text, $"dragonfly_peer_download_bytes_total{{source=\"{s}\"}}"));
                Assert.That(bySource, Is.EqualTo(size), "bytes by source add up to the file");
                Assert.That(Value(text, "dragonfly_peer_download_bytes_total{source=\"origin\"}"), Is.Zero);
                Assert.That(Value(text, "dragonfly_peer_cache_used_bytes"), Is.EqualTo(size), "each peer's cache holds the file");
                Assert.That(text, Does.Match("dragonfly_peer_piece_duration_seconds_bucket\\{parent=\"(supernode|peer)\",le=\"\\+Inf\"\\} [1-9]"));
            }
            // A peer may get every piece from other peers; the swarm as a whole got some from the seed.
            Assert.That(peers, Has.Some.Contain("dragonfly_peer_piece_duration_seconds_bucket{parent=\"supernode\",le=\"+Inf\"}"));
            var uploadedByPeers = peers.Sum(t => Value(t, "dragonfly_peer_upload_bytes_total"));
            var fromPeers = peers.Sum(t => Value(t, "dragonfly_peer_download_bytes_total{source=\"peer\"}"));
            Assert.That(uploadedByPeers, Is.EqualTo(fromPeers), "what peers served is what peers received from peers");
        });
    }

    [Test]
    public async Task Readyz_Is503NamingTheDataDirectory_WhileItIsGone_AndOkOnceItIsBack()
    {
        var cluster = await StartClusterAsync(peers: 1);
        var peer = cluster.Peers[0];
        var components = new[]
        {
            (Url: $"http://127.0.0.3:{cluster.Supernode!.Port("metricsPort")}/readyz", Data: Path.Combine(WorkDir, "supernode-data")),
            (Url: $"http://{peer.Ip}:{peer.Process.Port("metricsPort")}/readyz", Data: Path.Combine(WorkDir, peer.Name + "-data")),
        };
        foreach (var (url, data) in components)
        {
            Assert.That(Directory.Exists(data), data);
            using (var ready = await Http.GetAsync(url, TestTimeout.Token))
            {
                Assert.That((int)ready.StatusCode, Is.EqualTo(200), url);
            }

            Directory.Move(data, data + ".away"); // the volume went away
            using (var gone = await Http.GetAsync(url, TestTimeout.Token))
            {
                Assert.That((int)gone.StatusCode, Is.EqualTo(503), url);
                Assert.That(await gone.Content.ReadAsStringAsync(TestTimeout.Token), Does.Contain("not ready: the data directory " + data));
            }
            using (var alive = await Http.GetAsync(url.Replace("/readyz", "/healthz"), TestTimeout.Token))
            {
                Assert.That((int)alive.StatusCode, Is.EqualTo(200), "the process itself is healthy: it is not restarted for this");
            }

            Directory.Move(data + ".away", data);
            using var back = await Http.GetAsync(url, TestTimeout.Token);
            Assert.That((int)back.StatusCode, Is.EqualTo(200), url);
        }
    }

    [Test]
    public async Task GrafanaDashboard_QueriesOnlyMetricsTheComponentsPublish()
    {
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "data.bin"), 4L << 20);
        var cluster = await StartClusterAsync(peers: 1);
        var peer = cluster.Peers[0];
        var result = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf("data.bin"), Output("out"), cancellationToken: TestTimeout.Token);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var url in new[] { $"http://127.0.0.3:{cluster.Supernode!.Port("metricsPort")}/metrics", $"http://{peer.Ip}:{peer.Process.Port("metricsPort")}/metrics" })
        {
            var text = await PrometheusText.ScrapeAsync(url, TestTimeout.Token);
            published.UnionWith(TypeLine().Matches(text).Select(m => m.Groups[1].Value));
        }
        published.UnionWith(OperatorInstrumentNames());
        var dashboard = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RenderedChartDir, "dashboards", "dragonfly.json")))!;
        var panels = dashboard["panels"]!.AsArray().Select(p => p!).ToArray();
        var expressions = panels.SelectMany(p => p["targets"]?.AsArray() ?? []).Select(t => (string)t!["expr"]!).ToArray();
        var queried = expressions.SelectMany(e => MetricName().Matches(e).Select(m => HistogramSeries().Replace(m.Value, ""))).Distinct().ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(expressions, Is.Not.Empty);
            Assert.That(queried, Is.SubsetOf(published), "the dashboard queries a metric no component publishes");
            Assert.That(panels.Select(p => (int)p["id"]!), Is.Unique);
            Assert.That(published.Where(n => n.StartsWith("dragonfly_", StringComparison.Ordinal)).Except(queried), Is.Empty,
                "every metric of ours should be on the dashboard");
        });
    }

    private static readonly string RenderedChartDir = Path.Combine(ComponentBinaries.RepoRoot, "charts", "dragonfly");

    /// <summary>The operator's instrument names, read from its meter in this process.</summary>
    private static IEnumerable<string> OperatorInstrumentNames()
    {
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(Dragonfly.Operator.Runtime.Controllers.ControllerMetrics).TypeHandle);
        var names = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == "Dragonfly.Operator")
                {
                    names.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        return names;
    }

    [GeneratedRegex("^# TYPE (\\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("dragonfly_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();

    private async Task<string> ScrapeAndCheckAsync(string url, string name)
    {
        using var response = await Http.GetAsync(url, TestTimeout.Token);
        Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain; version=0.0.4"));
        var text = await response.Content.ReadAsStringAsync(TestTimeout.Token);
        await Promtool.AssertValidAsync(text, Output(name + ".metrics"), $"{name}'s /metrics", TestTimeout.Token);
        return text;
    }

    private static double Value(string text, string series) => PrometheusText.Value(text, series);
}
