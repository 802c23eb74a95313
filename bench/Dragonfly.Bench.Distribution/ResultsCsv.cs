using System.Globalization;
using System.Text;

namespace Dragonfly.Bench.Distribution;

/// <summary>The sweep's table, one row per N, written whole after every experiment so a cut-short sweep leaves its rows.</summary>
public static class ResultsCsv
{
    private const string Header =
        "peers,file_bytes,origin_rate_bps,peer_upload_bps,peer_download_bps,piece_bytes,storage,bound_s,bound_term," +
        "p2p_p50_s,p2p_p90_s,p2p_p99_s,p2p_max_s,p50_over_bound,p99_over_bound,failed,went_to_source," +
        "origin_egress_copies,seed_upload_copies,from_peers_share,machine_cpu_busy,supernode_cpu_s,peers_cpu_s,idle_peers_cores,baseline_measured,baseline_p50_s,baseline_p99_s,baseline_max_s,baseline_model_s";

    /// <summary>The 1-based column of <paramref name="name"/>, as gnuplot counts them.</summary>
    public static int Column(string name)
    {
        var index = Array.IndexOf(Header.Split(','), name);
        return index >= 0 ? index + 1 : throw new ArgumentException($"the results CSV has no column '{name}'", nameof(name));
    }

    public static void Write(string path, IEnumerable<DistributionResult> results)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var r in results)
        {
            var o = r.Options;
            var b = r.Baseline;
            text.AppendJoin(',',
                Int(r.Peers), Int(o.FileSize), Int(o.OriginRate), Int(o.PeerUpload), Int(o.PeerDownload), Int(r.PieceSize), r.Storage,
                Num(r.Bound.Seconds), "\"" + r.Bound.Term + "\"",
                Num(r.P2P.P50), Num(r.P2P.P90), Num(r.P2P.P99), Num(r.P2P.Max), Num(r.P50Ratio, "0.000"), Num(r.P99Ratio, "0.000"),
                Int(r.Failed), Int(r.WentToSource), Num(r.OriginCopies, "0.000"), Num(r.SeedCopies, "0.00"), Num(r.FromPeersShare, "0.000"), Num(r.MachineBusy, "0.00"), Num(r.SupernodeCpuSeconds, "0.0"), Num(r.PeersCpuSeconds, "0.0"), Num(r.IdlePeersCores, "0.000"),
                b?.Measured ?? "none", Num(b?.Times.P50), Num(b?.Times.P99), Num(b?.Times.Max), Num(o.BaselineModelSeconds(r.Peers)));
            text.Append('\n');
        }
        File.WriteAllText(path, text.ToString());
    }

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(double? value, string format = "0.00") =>
        value is { } v && double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";
}
