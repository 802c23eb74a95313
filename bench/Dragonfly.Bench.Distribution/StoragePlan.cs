using System.Globalization;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// Where the supernode and peers keep their data in one experiment. The machine has one virtual disk (about
/// 170 MB/s) shared by all N "hosts", and every daemon fsyncs its copy when complete; at N = 100 that is 6.4
/// GiB flushed in the same few seconds, a limit of this machine that a real cluster (a disk per node) does
/// not have. So data lives in tmpfs (/dev/shm) when the copies fit in memory beside the processes, and on
/// disk otherwise; the choice is reported with the results. DATA overrides it.
/// </summary>
public sealed record StoragePlan(string Root, string Kind)
{
    /// <summary>Memory one peer daemon process is budgeted (resident, measured well below this).</summary>
    public const long ProcessBudget = 64L << 20;

    private const long Headroom = 4L << 30;
    private const string Tmpfs = "/dev/shm";

    public static StoragePlan Choose(DistributionOptions options, int peers, string runName)
    {
        if (options.DataRoot is { } configured)
        {
            return new StoragePlan(Path.Combine(configured, runName), "DATA=" + configured);
        }
        var needed = (peers + 1) * options.FileSize + peers * ProcessBudget + Headroom;
        if (Directory.Exists(Tmpfs) && MemAvailable() is { } available && available > needed
            && new DriveInfo(Tmpfs).AvailableFreeSpace > (peers + 1) * options.FileSize + Headroom)
        {
            return new StoragePlan(Path.Combine(Tmpfs, runName), "tmpfs");
        }
        return new StoragePlan(Path.Combine(Path.GetTempPath(), runName), "disk");
    }

    private static long? MemAvailable()
    {
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return null;
    }
}
