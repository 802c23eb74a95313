using System.Globalization;

namespace Dragonfly.IntegrationTests;

/// <summary>Reads figures out of a Prometheus text-format scrape.</summary>
internal static class PrometheusText
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<string> ScrapeAsync(string url, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(url, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>The value of one series line (name with its exact label set), 0 when absent.</summary>
    public static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }

    /// <summary>Scrapes until <paramref name="series"/> reaches <paramref name="atLeast"/>; the cancellation token bounds the wait.</summary>
    public static async Task<string> WaitForAsync(string url, string series, double atLeast, CancellationToken cancellationToken)
    {
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            var text = await ScrapeAsync(url, cancellationToken);
            if (Value(text, series) >= atLeast)
            {
                return text;
            }
            await poll.WaitForNextTickAsync(cancellationToken);
        }
    }
}
