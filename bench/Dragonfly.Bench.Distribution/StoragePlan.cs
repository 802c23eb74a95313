using System.Globalization;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// Where the supernode and peers keep their data in one experiment. The machine has one virtual disk (about
/// 170 MB/s) shared by all N "hosts", and every daemon fsyncs its copy when complete; at N = 100 that is 6.4
/// GiB flushed in the same few seconds, a limit of this machine that a real cluster (a disk per node) does
/// not have. So data lives in tmpfs (/dev/shm) when the copies fit in memory beside the processes, and on
/// disk otherwise; the choice is reported with the results. DATA overrides it. The dfget outputs fill while the
/// downloads run, so N more copies exist until each peer is done: they go to tmpfs too when they fit, otherwise to
/// disk (<see cref="Outputs"/>), as a real node writes its output to its own disk.
/// </summary>
public sealed record StoragePlan(string Root, string Kind, string Outputs)
{
    /// <summary>Memory one peer daemon process is budgeted (resident, measured well below this).</summary>
    public const long ProcessBudget = 64L << 20;

    private const long Headroom = 4L << 30;
    private const string Tmpfs = "/dev/shm";

    public static StoragePlan Choose(DistributionOptions options, int peers, string runName)
    {
        if (options.DataRoot is { } configured)
        {
            return new StoragePlan(Path.Combine(configured, runName), "DATA=" + configured, Path.Combine(configured, runName, "out"));
        }
        var onDisk = Path.Combine(Path.GetTempPath(), runName);
        var needed = (peers + 1) * options.FileSize + peers * ProcessBudget + Headroom;
        if (Directory.Exists(Tmpfs) && MemAvailable() is { } available && available > needed
            && new DriveInfo(Tmpfs).AvailableFreeSpace > (peers + 1) * options.FileSize + Headroom)
        {
            var root = Path.Combine(Tmpfs, runName);
            return available > needed + peers * options.FileSize
                ? new StoragePlan(root, "tmpfs", Path.Combine(root, "out"))
                : new StoragePlan(root, "tmpfs, outputs on disk", onDisk + "-out");
        }
        return new StoragePlan(onDisk, "disk", Path.Combine(onDisk, "out"));
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
