namespace Dragonfly.PeerDaemon.Download;

public sealed record DownloadError(DownloadErrorKind Kind, string Message)
{
    public static DownloadError FromSourceStatus(int status, string message) => status switch
    {
        404 or 410 => new(DownloadErrorKind.SourceNotFound, message),
        401 or 403 => new(DownloadErrorKind.SourceDenied, message),
        _ => new(DownloadErrorKind.SourceFailed, message),
    };
}
