using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

[Description("One blob or file being preheated.")]
public sealed class PreheatItemStatus
{
    [Description("The image reference (with platform) or URL this item came from.")]
    public string Source { get; set; } = string.Empty;

    [Description("The URL the supernode fetches.")]
    public string Url { get; set; } = string.Empty;

    [Description("Expected digest (sha256:<hex>) for image blobs.")]
    public string? Digest { get; set; }

    [Description("The supernode task id.")]
    public string? TaskId { get; set; }

    [Description("The supernode replica (host:port) that is this item's home.")]
    public string? Supernode { get; set; }

    public PreheatItemState State { get; set; } = PreheatItemState.Pending;

    [Description("Size in bytes, once known.")]
    public long? Bytes { get; set; }

    [Description("Bytes the supernode holds.")]
    public long BytesDone { get; set; }

    [Description("Times the item was submitted again because its supernode no longer knew it.")]
    public int Resubmits { get; set; }

    [Description("Why the item failed.")]
    public string? Error { get; set; }
}
