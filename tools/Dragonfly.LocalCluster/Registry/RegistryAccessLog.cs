using System.Globalization;
using System.Text.RegularExpressions;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// Reads the requests out of a registry log. With <c>log.accesslog.disabled: false</c> the registry writes one
/// Apache combined line per request (<c>IP - USER [time] "METHOD URI PROTO" STATUS BYTES "referer" "agent"</c>)
/// after the request's handler returned, for every request. The JSON "response completed" lines
/// (<c>http.request.method</c>, <c>http.request.uri</c>, <c>http.response.status</c>,
/// <c>http.response.written</c>) carry the same facts but are missing for requests the auth layer refuses
/// (those get only a "error authorizing context" warning), so only the combined lines are read.
/// </summary>
internal static partial class RegistryAccessLog
{
    public static IReadOnlyList<RegistryAccess> Read(string logPath)
    {
        var accesses = new List<RegistryAccess>();
        if (!File.Exists(logPath))
        {
            return accesses;
        }
        string text;
        using (var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            text = new StreamReader(stream).ReadToEnd();
        }
        // A line without its newline is still being written; it is read next time.
        var complete = text.LastIndexOf('\n');
        foreach (var line in text[..(complete + 1)].Split('\n'))
        {
            if (CombinedLine().Match(line) is { Success: true } match)
            {
                var bytes = match.Groups["bytes"].Value;
                accesses.Add(new RegistryAccess(
                    match.Groups["method"].Value,
                    match.Groups["uri"].Value,
                    int.Parse(match.Groups["status"].Value, CultureInfo.InvariantCulture),
                    bytes == "-" ? 0 : long.Parse(bytes, CultureInfo.InvariantCulture),
                    Regex.Unescape(match.Groups["agent"].Value)));
            }
        }
        return accesses;
    }

    [GeneratedRegex("""^\S+ \S+ \S+ \[[^\]]+\] "(?<method>[A-Z]+) (?<uri>\S+) [^"]+" (?<status>\d{3}) (?<bytes>\d+|-) "(?:[^"\\]|\\.)*" "(?<agent>(?:[^"\\]|\\.)*)"$""")]
    private static partial Regex CombinedLine();
}
