using System.Globalization;

namespace Dragonfly.LocalCluster.Measurement;

/// <summary>
/// How busy the whole machine's CPUs were between two readings of /proc/stat (every process, including any
/// other workload sharing the machine): 1.0 means no core was ever idle, so the machine, not the design,
/// set the pace.
/// </summary>
public sealed class MachineLoad
{
    private readonly (long Busy, long Total) _start = Read();

    public double BusyFraction()
    {
        var end = Read();
        var total = end.Total - _start.Total;
        return total <= 0 ? double.NaN : (double)(end.Busy - _start.Busy) / total;
    }

    private static (long Busy, long Total) Read()
    {
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }
}
