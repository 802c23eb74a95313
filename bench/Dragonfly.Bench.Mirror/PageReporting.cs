using System.Globalization;

namespace Dragonfly.Bench.Mirror;

/// <summary>
/// The guest kernel's free page reporting (virtio-balloon): free blocks of 2^order pages are handed back to the
/// host, and touching one again costs a host fault, inside whatever copy touches it first. A cold pull through
/// the mirror fills about twice the image in new page cache (the supernode's and the peer's copies) on top of
/// containerd's own, so on such a VM the pull pays for memory a bare-metal node would not (see bench/README.md).
/// <c>PAGE_REPORTING=off</c> stops the reporting for the run (as root) and puts the old order back at the end.
/// </summary>
public sealed class PageReporting : IDisposable
{
    private const string OrderFile = "/sys/module/page_reporting/parameters/page_reporting_order";

    /// <summary>Above the largest buddy order (10 on x86-64): no free block is ever large enough to report.</summary>
    private const int NeverReported = 11;

    private readonly string? _restore;

    private PageReporting(string description, string? restore)
    {
        Description = description;
        _restore = restore;
    }

    public string Description { get; }

    public static PageReporting Apply(string? setting)
    {
        if (!File.Exists(OrderFile))
        {
            return new PageReporting("free page reporting: not in this kernel", null);
        }
        var order = File.ReadAllText(OrderFile).Trim();
        if (setting is null or "" or "on")
        {
            return new PageReporting($"free page reporting: on, blocks of order {order} (PAGE_REPORTING=off stops it for the run)", null);
        }
        if (setting != "off")
        {
            throw new ArgumentException($"PAGE_REPORTING is '{setting}': use on (leave the kernel as it is) or off");
        }
        File.WriteAllText(OrderFile, NeverReported.ToString(CultureInfo.InvariantCulture));
        return new PageReporting($"free page reporting: off for this run (order {order} is put back at the end; memory reported before is still cold until touched once)", order);
    }

    public void Dispose()
    {
        if (_restore is not null)
        {
            File.WriteAllText(OrderFile, _restore);
        }
    }
}
