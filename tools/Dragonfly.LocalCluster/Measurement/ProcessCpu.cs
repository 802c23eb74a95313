using System.Globalization;

namespace Dragonfly.LocalCluster.Measurement;

/// <summary>
/// CPU time a set of processes used between two readings of /proc/PID/stat (user + system, Linux): where the
/// cores went during a measurement, split between the supernode and the peer daemons.
/// </summary>
public sealed class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux ABI .NET runs on

    private readonly int[] _pids;
    private readonly double[] _start;

    public ProcessCpu(IEnumerable<int> pids)
    {
        _pids = pids.ToArray();
        _start = _pids.Select(Seconds).ToArray();
    }

    /// <summary>CPU seconds the processes used since construction, summed.</summary>
    public double Elapsed() => _pids.Select((pid, i) => Seconds(pid) - _start[i]).Sum();

    /// <summary>CPU seconds (user + system) process <paramref name="pid"/> has used since it started.</summary>
    public static double Seconds(int pid)
    {
        // pid (comm) state ppid ... utime stime: fields 14 and 15, counted from the field after the ')'.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }
}
