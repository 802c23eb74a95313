using System.Globalization;

namespace Dragonfly.IntegrationTests.Reliability;

/// <summary>Resident memory of a process as Linux reports it in <c>/proc/&lt;pid&gt;/status</c>.</summary>
internal static class ProcessMemory
{
    /// <summary>Current resident set size, bytes.</summary>
    public static long Rss(int pid) => StatusKiB(pid, "VmRSS") * 1024;

    /// <summary>Peak resident set size since the process started ("high water mark"), bytes.</summary>
    public static long PeakRss(int pid) => StatusKiB(pid, "VmHWM") * 1024;

    private static long StatusKiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                // "VmRSS:	  123456 kB"
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"/proc/{pid}/status has no {field} line");
    }
}
