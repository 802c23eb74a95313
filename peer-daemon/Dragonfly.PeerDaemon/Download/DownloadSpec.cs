using Dragonfly.Core;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>A validated download request.</summary>
/// <param name="RateLimit">Bytes per second for this download within the host limit; 0 is none.</param>
public sealed record DownloadSpec(
    ContentKey Key,
    IReadOnlyDictionary<string, string> Headers,
    long RateLimit = 0,
    bool DisableBackToSource = false)
{
    public TaskId TaskId { get; } = Key.ToTaskId();
}
