using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Dragonfly.IntegrationTests.Registry;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>
/// Load on one peer daemon's registry mirror: many clients pull the same cached layer at once, as a node's
/// pods starting together would. Every body must be whole and right, and the daemon's memory must stay bounded
/// (bodies stream from disk; nothing holds a blob in memory per client).
/// </summary>
[Category("Reliability")]
public sealed class MirrorLoadTests : MirrorFixture
{
    private const int Clients = 200;
    private const long LayerSize = 32L * 1024 * 1024;
    private const long RssBound = 400L * 1024 * 1024;

    [Test]
    public async Task TwoHundredClientsPullACachedLayer_NoErrors_EveryDigestRight_MemoryBounded()
    {
        var registry = await StartRegistryAsync("registry");
        var image = await PushImageAsync(registry, "demo/load", [LayerSize]);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);
        var layer = image.Layers[0];
        var blobUrl = $"http://{cluster.Peers[0].MirrorAddress}/v2/demo/load/blobs/{layer.Digest}?ns={registry.Host}";
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = TimeSpan.FromMinutes(2) };
        var warm = await PullAsync(client, blobUrl, layer.Digest);
        Assert.That(warm, Is.Null, "the first pull (which caches the layer) failed");
        var pid = cluster.Peers[0].Process.Pid;
        var rssBefore = ProcessMemory.Rss(pid);
        using var sampling = new CancellationTokenSource();
        var rssSamples = SampleRssAsync(pid, sampling.Token);
        var clock = Stopwatch.StartNew();

        var errors = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => PullAsync(client, blobUrl, layer.Digest)));
        clock.Stop();
        await sampling.CancelAsync();
        var peakSampled = await rssSamples;
        var peakRss = ProcessMemory.PeakRss(pid);

        var failures = errors.Where(e => e is not null).ToArray();
        var throughput = Clients * LayerSize / clock.Elapsed.TotalSeconds / (1024 * 1024);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FIGURES mirror load: {Clients} clients x {LayerSize / (1024 * 1024)} MiB cached layer through one peer daemon: {failures.Length} errors, " +
            $"{clock.Elapsed.TotalSeconds:0.0} s, aggregate {throughput:0} MiB/s, daemon RSS {rssBefore / (1024 * 1024)} MiB before, peak during load {peakSampled / (1024 * 1024)} MiB, VmHWM {peakRss / (1024 * 1024)} MiB"));
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, "pulls that failed or returned wrong bytes");
            Assert.That(peakRss, Is.LessThan(RssBound), "the daemon's peak resident memory (VmHWM)");
        });
    }

    /// <summary>One pull, hashed as it streams; null when the body is whole and matches, else what went wrong.</summary>
    private static async Task<string?> PullAsync(HttpClient client, string url, string digest)
    {
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, TestTimeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"status {(int)response.StatusCode}";
            }
            await using var body = await response.Content.ReadAsStreamAsync(TestTimeout.Token);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[128 * 1024];
            long length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, TestTimeout.Token)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
            }
            var actual = "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
            return actual == digest ? null : $"{length} bytes with digest {actual}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // A transport failure is one of the errors this test counts; it is reported, not swallowed.
            return e.Message;
        }
    }

    /// <summary>Polls the daemon's resident memory until cancelled; returns the highest value seen.</summary>
    private static async Task<long> SampleRssAsync(int pid, CancellationToken cancellationToken)
    {
        var peak = 0L;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            do
            {
                peak = Math.Max(peak, ProcessMemory.Rss(pid));
            }
            while (await poll.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The load is over.
        }
        return peak;
    }
}
