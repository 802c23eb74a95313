using Dragonfly.Core.Storage;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>Complete, verified content, or why there is none.</summary>
public sealed record DownloadOutcome(StoredContent? Content, DownloadError? Error)
{
    public static DownloadOutcome Success(StoredContent content) => new(content, null);

    public static DownloadOutcome Failure(DownloadErrorKind kind, string message) => new(null, new DownloadError(kind, message));

    public static DownloadOutcome Failure(DownloadError error) => new(null, error);
}
