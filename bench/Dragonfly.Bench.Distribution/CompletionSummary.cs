namespace Dragonfly.Bench.Distribution;

/// <summary>Percentiles of per-peer completion times in seconds (nearest rank).</summary>
public sealed record CompletionSummary(double P50, double P90, double P99, double Max)
{
    public static CompletionSummary Of(IReadOnlyCollection<double> seconds)
    {
        if (seconds.Count == 0)
        {
            return new CompletionSummary(double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = seconds.Order().ToArray();
        return new CompletionSummary(Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);
    }

    private static double Rank(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
