using Dragonfly.Core;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// The distribution benchmark: for each N in turn, the P2P experiment and then the baseline (N clients straight
/// from the origin); the CSV and the plot are rewritten after every N, the table printed at the end.
/// </summary>
public static class DistributionBenchmark
{
    public static async Task<int> RunAsync(DistributionOptions options, CancellationToken cancellationToken)
    {
        var stamp = $"dragonfly-bench-distribution-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        var originRoot = Path.Combine(Path.GetTempPath(), stamp, "origin");
        var prefix = Path.GetFullPath(options.OutputPrefix ?? Path.Combine(Path.GetTempPath(), stamp + "-results", "distribution"));
        Directory.CreateDirectory(Path.GetDirectoryName(prefix)!);
        Console.WriteLine($"Generating a {ByteSize.Format(options.FileSize)} file; peers {string.Join(", ", options.PeerCounts)}; u_s {ByteSize.Format(options.OriginRate)}/s, u_i {ByteSize.Format(options.PeerUpload)}/s, d_i {ByteSize.Format(options.PeerDownload)}/s");
        var files = OriginFiles.Create(originRoot, options.FileSize);
        CrowdedHostRuntime.Apply();
        var results = new List<DistributionResult>();
        try
        {
            foreach (var peers in options.PeerCounts)
            {
                var result = await DistributionRun.RunAsync(options, peers, files, $"{stamp}-n{peers}", cancellationToken);
                Console.WriteLine($"  N={peers}: p50 {result.P2P.P50:0.0} s, p99 {result.P2P.P99:0.0} s, max {result.P2P.Max:0.0} s; p50/D {result.P50Ratio:0.00}, p99/D {result.P99Ratio:0.00}; origin egress {result.OriginCopies:0.00} copies");
                Console.WriteLine($"  N={peers}: CPU {100 * result.MachineBusy:0}% busy; supernode {result.SupernodeCpuSeconds:0.0} s, peer daemons {result.PeersCpuSeconds:0.0} s ({1000 * result.PeersCpuSeconds / Math.Max(1, peers * result.PieceCount):0.0} ms per piece received)");
                Console.WriteLine($"  N={peers}: baseline, {peers} clients straight from the origin (model {options.BaselineModelSeconds(peers):0} s) ...");
                var baseline = await OriginBaseline.RunAsync(options, peers, files.Root, files.Name, cancellationToken);
                Console.WriteLine($"  N={peers}: baseline p50 {baseline.Times.P50:0.0} s, max {baseline.Times.Max:0.0} s ({baseline.Measured}); origin delivered {baseline.OriginMiBPerSecond:0.00} MiB/s");
                results.Add(result with { Baseline = baseline });
                ResultsCsv.Write(prefix + ".csv", results);
            }
        }
        finally
        {
            Directory.Delete(Path.Combine(Path.GetTempPath(), stamp), recursive: true);
        }
        Console.WriteLine();
        ResultsTable.Write(Console.Out, results);
        Console.WriteLine($"\nCSV: {prefix}.csv");
        if (results.Count > 1 && await GnuplotChart.WriteAsync(prefix + ".csv", prefix + ".png", options, options.PeerCounts, cancellationToken))
        {
            Console.WriteLine($"plot: {prefix}.png");
        }
        return results.All(r => r.Failed == 0) ? 0 : 1;
    }
}
