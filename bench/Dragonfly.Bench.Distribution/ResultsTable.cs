using System.Globalization;

namespace Dragonfly.Bench.Distribution;

/// <summary>The results as a Markdown table (the form bench/README.md records them in).</summary>
public static class ResultsTable
{
    public static void Write(TextWriter output, IReadOnlyList<DistributionResult> results)
    {
        output.WriteLine("| N | D (s) | P2P p50 / p90 / p99 / max (s) | p50/D | p99/D | origin egress (copies) | seed upload (copies) | from peers | CPU busy | baseline p50 / max (s) | baseline/P2P p50 | storage |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            var baseline = r.Baseline is { } b
                ? F($"{b.Times.P50:0} / {b.Times.Max:0} ({(b.Measured == "full" ? "measured" : $"{r.Options.BaselineWindow.TotalSeconds:0} s window, extrapolated")})")
                : F($"model {r.Options.BaselineModelSeconds(r.Peers):0}");
            var speedup = (r.Baseline?.Times.P50 ?? r.Options.BaselineModelSeconds(r.Peers)) / r.P2P.P50;
            output.WriteLine(F(
                $"| {r.Peers} | {r.Bound.Seconds:0.0} | {r.P2P.P50:0.0} / {r.P2P.P90:0.0} / {r.P2P.P99:0.0} / {r.P2P.Max:0.0} | **{r.P50Ratio:0.00}** | **{r.P99Ratio:0.00}** | {r.OriginCopies:0.00} | {r.SeedCopies:0.00} | {100 * r.FromPeersShare:0}% | {100 * r.MachineBusy:0}% | {baseline} | {speedup:0.0}× | {r.Storage}{(r.Failed + r.WentToSource > 0 ? $"; {r.Failed} failed, {r.WentToSource} to source" : "")} |"));
        }
        if (results.Count >= 2)
        {
            var first = results.MinBy(r => r.Peers)!;
            var last = results.MaxBy(r => r.Peers)!;
            output.WriteLine(F($"\nT(N={last.Peers}) / T(N={first.Peers}) at p50: {last.P2P.P50 / first.P2P.P50:0.00}; at p99: {last.P2P.P99 / first.P2P.P99:0.00}"));
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
