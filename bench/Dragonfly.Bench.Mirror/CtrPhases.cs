using System.Globalization;
using System.Text.RegularExpressions;

namespace Dragonfly.Bench.Mirror;

/// <summary>
/// How long <c>ctr images pull</c> says it spent fetching (the last progress line, <c>elapsed: 1.2 s total: ...</c>,
/// printed in 0.1 s steps) and unpacking (<c>done: 512.3ms</c>, a Go duration), so a slower pull shows which half
/// it lost time in.
/// </summary>
public sealed partial record CtrPhases(double Fetch, double Unpack)
{
    public static CtrPhases? TryParse(string ctrOutput)
    {
        var fetch = ElapsedLine().Matches(ctrOutput).LastOrDefault();
        var unpack = DoneLine().Matches(ctrOutput).LastOrDefault();
        if (fetch is null || unpack is null)
        {
            return null;
        }
        return new CtrPhases(double.Parse(fetch.Groups[1].Value, CultureInfo.InvariantCulture), GoDurationSeconds(unpack.Groups[1].Value, unpack.Groups[2].Value));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"fetch {Fetch:0.0} s, unpack {Unpack:0.000} s");

    private static double GoDurationSeconds(string number, string unit)
    {
        var value = double.Parse(number, CultureInfo.InvariantCulture);
        return unit switch
        {
            "h" => value * 3600,
            "m" => value * 60,
            "s" => value,
            "ms" => value / 1e3,
            "µs" or "us" => value / 1e6,
            "ns" => value / 1e9,
            _ => throw new FormatException($"ctr printed a duration in '{unit}', which this bench does not know"),
        };
    }

    [GeneratedRegex(@"elapsed:\s*([0-9.]+)\s*s")]
    private static partial Regex ElapsedLine();

    [GeneratedRegex(@"done:\s*([0-9.]+)(h|ms|m|s|µs|us|ns)\b")]
    private static partial Regex DoneLine();
}
