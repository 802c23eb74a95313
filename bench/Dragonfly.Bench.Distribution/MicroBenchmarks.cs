using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Dragonfly.Core;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// The three micro-benchmarks of the benchmark issue, each with its goal: scheduler piece reports per second
/// on one core, piece verify+write throughput, and a peer daemon's peak RSS while serving a 1 GiB blob to 10
/// peers; and what the piece server costs per GiB (<see cref="PieceServing"/>). MICRO_WRITE_SIZE (default 1G)
/// sizes the verify+write run, MICRO_RSS_SIZE (default 1G) the blob served; MICRO_ONLY=scheduler|rss|serving
/// runs one part (scheduler includes verify+write).
/// Linux only: it pins itself to one core and reads /proc.
/// </summary>
[SupportedOSPlatform("linux")]
public static class MicroBenchmarks
{
    private const int Peers = 200;
    private const int Pieces = 256;
    private const int Rounds = 5;

    public static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), $"dragonfly-bench-micro-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(work);
        try
        {
            var only = Environment.GetEnvironmentVariable("MICRO_ONLY") is { Length: > 0 } part ? part : null;
            bool Runs(string part) => only is null || only == part;
            if (only is not (null or "scheduler" or "serving" or "rss"))
            {
                Console.Error.WriteLine($"MICRO_ONLY={only} names no part: use scheduler, serving or rss, or leave it unset for all three");
                return 2;
            }
            if (Runs("scheduler"))
            {
                var process = Process.GetCurrentProcess();
                var allCores = process.ProcessorAffinity;
                double[] rates;
                PieceWriteThroughput.Rates write;
                process.ProcessorAffinity = 1; // core 0 only: the scheduler loop, the report producer and the runtime share it
                try
                {
                    await SchedulerThroughput.MeasureAsync(Peers, Pieces, round: 0, cancellationToken); // JIT warm-up
                    rates = new double[Rounds];
                    for (var i = 0; i < Rounds; i++)
                    {
                        rates[i] = await SchedulerThroughput.MeasureAsync(Peers, Pieces, round: i + 1, cancellationToken);
                    }
                    write = await PieceWriteThroughput.MeasureAsync(Directory.CreateDirectory(Path.Combine(work, "store")).FullName, Size("MICRO_WRITE_SIZE", "1G"), cancellationToken);
                }
                finally
                {
                    process.ProcessorAffinity = allCores; // the daemons started below inherit it
                }
                Console.WriteLine(F($"scheduler, one core: {Peers} peers × {Pieces} pieces = {Peers * Pieces} reports per round, {Rounds} rounds: median {Median(rates):0} reports/s (rounds: {string.Join(", ", rates.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}); goal ≥ 50000"));
                Console.WriteLine(F($"piece verify+write, one thread, 4 MiB pieces: {write.VerifyAndWrite:0} MiB/s; SHA-256 alone {write.HashOnly:0} MiB/s, positional writes alone {write.WriteOnly:0} MiB/s; verify+write / SHA-256 alone = {write.VerifyAndWrite / write.HashOnly:0.00}"));
            }

            var size = Size("MICRO_RSS_SIZE", "1G");
            if (Runs("serving"))
            {
                // Before the RSS part: the 11 GiB it writes and deletes keep this VM busy for a minute after.
                var serving = await PieceServing.MeasureAsync(size, 5, Path.Combine(work, "pieces"), cancellationToken);
                Console.WriteLine(F($"piece server, {ByteSize.Format(size)} held by a peer daemon, read as 4 MiB ranges 4 at a time, {serving.Rounds} rounds: median {serving.DaemonMibPerSecond:0} MiB/s, daemon CPU {serving.DaemonCpuSecondsPerGib:0.00} s per GiB over all rounds; the origin file server median {serving.OriginMibPerSecond:0} MiB/s; daemon / origin = {serving.DaemonMibPerSecond / serving.OriginMibPerSecond:0.00}"));
            }

            if (Runs("rss"))
            {
                var memory = await ServingMemory.MeasureAsync(size, 10, Path.Combine(work, "serving"), cancellationToken);
                Console.WriteLine(F($"peer daemon serving {ByteSize.Format(size)} to 10 peers ({memory.ServeSeconds:0.0} s, {100 * memory.FromPeersShare:0}% of their bytes from peers): peak RSS {Mib(memory.ServingPeak)} MiB while serving (goal ≤ 200); {Mib(memory.OwnDownloadPeak)} MiB during its own download; downloaders' peak {Mib(memory.DownloaderPeak)} MiB; supernode {Mib(memory.SupernodePeak)} MiB"));
            }
            return 0;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    internal static double Median(double[] values) => values.Order().ElementAt(values.Length / 2);

    private static long Mib(long bytes) => bytes >> 20;

    private static long Size(string name, string fallback) => ByteSize.Parse(Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
