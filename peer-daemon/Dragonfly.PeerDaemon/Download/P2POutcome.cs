namespace Dragonfly.PeerDaemon.Download;

/// <summary>How the P2P path ended: done, hand over to the source, or a failure the source would not fix.</summary>
internal sealed record P2POutcome(DownloadOutcome? Done, string? FallbackReason)
{
    public static P2POutcome Fallback(string reason) => new(null, reason);

    public static P2POutcome Finished(DownloadOutcome outcome) => new(outcome, null);
}
