using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.Run;

/// <summary>One node's <c>ctr images pull</c> through its peer daemon's mirror: how long it took, what ctr
/// said, and how many of the image's blobs its content store held afterwards.</summary>
public sealed record MirrorDemoPull(string Node, TimeSpan Elapsed, ToolResult Result, int BlobsPresent, int BlobsExpected)
{
    public bool Succeeded => Result.Succeeded && BlobsPresent == BlobsExpected;
}
