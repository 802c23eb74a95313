using System.Buffers;
using System.Net;
using Dragonfly.Core.RateLimiting;
using Dragonfly.LocalCluster;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// The baseline: N plain HTTP clients downloading the file straight from an origin capped at u_s, each client
/// with its own download cap d_i, all at once. When N·F/u_s is too long to wait for, the clients run for a
/// measurement window and their completion time is extrapolated from the aggregate rate the origin delivered.
/// </summary>
public static class OriginBaseline
{
    private const int ChunkSize = 64 * 1024;

    public static async Task<BaselineResult> RunAsync(DistributionOptions options, int clients, string originRoot, string fileName, CancellationToken cancellationToken)
    {
        var model = options.BaselineModelSeconds(clients);
        var full = model <= options.BaselineLimit.TotalSeconds;
        await using var origin = await OriginServer.StartAsync(originRoot, IPAddress.Parse("127.0.0.2"), options.OriginRate, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!full)
        {
            window.CancelAfter(options.BaselineWindow);
        }
        var url = origin.UrlOf(fileName);
        var started = TimeProvider.System.GetTimestamp();
        var received = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => DownloadAsync(http, url, new ByteRateLimiter(options.PeerDownload), window.Token)));
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        var originRate = origin.BytesServed / elapsed / (1 << 20);
        if (full)
        {
            if (received.Any(r => r.Bytes != options.FileSize))
            {
                throw new InvalidOperationException($"a baseline client received {received.First(r => r.Bytes != options.FileSize).Bytes} of {options.FileSize} bytes");
            }
            return new BaselineResult("full", CompletionSummary.Of(received.Select(r => r.Seconds).ToArray()), model, originRate);
        }
        // The origin's limiter shares u_s fairly in 64 KiB writes, so a short window gives each client a whole
        // number of them; the aggregate it delivered is the robust measurement: every client ends at N·F / rate.
        var delivered = received.Sum(r => r.Bytes);
        var extrapolated = delivered > 0 ? (double)clients * options.FileSize * elapsed / delivered : double.PositiveInfinity;
        return new BaselineResult("window", new CompletionSummary(extrapolated, extrapolated, extrapolated, extrapolated), model, originRate);
    }

    /// <summary>Reads the whole body (or until <paramref name="cancellationToken"/>), discarding it; bytes and seconds.</summary>
    private static async Task<(long Bytes, double Seconds)> DownloadAsync(HttpClient http, Uri url, ByteRateLimiter limiter, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        long total = 0;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                await limiter.AcquireAsync(read, cancellationToken);
                total += read;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The measurement window ended; what arrived so far is the measurement.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (total, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
    }
}
