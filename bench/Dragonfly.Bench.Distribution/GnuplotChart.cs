using System.Diagnostics;
using System.Globalization;
using Dragonfly.Core;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// The plot of the sweep: time against N (log-log) for P2P (p50, p99), the baseline (measured or
/// extrapolated, and its model N·F/u_s), the lower bound, and how busy the machine's CPUs were at each N, drawn
/// by gnuplot from the CSV
/// (<c>make bench-distribution-sweep</c> installs Debian's gnuplot-nox when missing).
/// </summary>
public static class GnuplotChart
{
    public static async Task<bool> WriteAsync(string csvPath, string pngPath, DistributionOptions options, IReadOnlyList<int> peerCounts, CancellationToken cancellationToken)
    {
        var script = Path.Combine(Path.GetTempPath(), $"dragonfly-distribution-{Environment.ProcessId}.gp");
        var title = string.Create(CultureInfo.InvariantCulture,
            $"F = {ByteSize.Format(options.FileSize)}, u_s = {Rate(options.OriginRate)}, u_i = {Rate(options.PeerUpload)}, d_i = {Rate(options.PeerDownload)}");
        var tics = string.Join(", ", peerCounts.Order().Select(n => n.ToString(CultureInfo.InvariantCulture)));
        var range = string.Create(CultureInfo.InvariantCulture, $"[{peerCounts.Min() * 0.8:0.#}:{peerCounts.Max() * 1.25:0.#}]");
        // Columns by name: a column added to the CSV once moved the baseline onto the daemons' CPU seconds.
        var (peers, bound, p50, p99, busy, baseline, model) = (ResultsCsv.Column("peers"), ResultsCsv.Column("bound_s"),
            ResultsCsv.Column("p2p_p50_s"), ResultsCsv.Column("p2p_p99_s"), ResultsCsv.Column("machine_cpu_busy"),
            ResultsCsv.Column("baseline_p50_s"), ResultsCsv.Column("baseline_model_s"));
        await File.WriteAllTextAsync(script, $$"""
            set terminal pngcairo size 960,640 font ",11"
            set output '{{pngPath}}'
            set datafile separator ','
            set title '{{title}}'
            set xlabel 'peers N'
            set ylabel 'time to distribute F to every peer (s)'
            set logscale xy
            set xtics ({{tics}})
            set xrange {{range}}
            set grid
            set key at graph 0.02, graph 0.98 left top Left reverse box opaque
            plot '{{csvPath}}' every ::1 using {{peers}}:{{bound}} with lines lw 2 dt 2 lc rgb 'black' title 'lower bound D', \
                 '' every ::1 using {{peers}}:{{p50}} with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'P2P p50', \
                 '' every ::1 using {{peers}}:{{p99}} with linespoints lw 1 pt 9 lc rgb '#17becf' title 'P2P p99', \
                 '' every ::1 using {{peers}}:{{p50}}:(sprintf("CPU %.0f%%", 100 * ${{busy}})) with labels offset 0,1.3 font ",9" notitle, \
                 '' every ::1 using {{peers}}:{{baseline}} with points pt 5 ps 1.4 lc rgb '#d62728' title 'baseline: N clients, origin only', \
                 '' every ::1 using {{peers}}:{{model}} with lines lw 1 dt 3 lc rgb '#d62728' title 'baseline model N·F/u_s'
            """, cancellationToken);
        try
        {
            var info = new ProcessStartInfo("gnuplot") { RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(script);
            using var process = Process.Start(info)!;
            var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"gnuplot failed ({process.ExitCode}): {errors}");
                return false;
            }
            return true;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"gnuplot is not installed (apt-get install gnuplot-nox); the plot script is {script}");
            return false;
        }
    }

    private static string Rate(long bytesPerSecond) => ByteSize.Format(bytesPerSecond) + "/s";
}
