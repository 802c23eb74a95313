namespace Dragonfly.PeerDaemon.Download;

/// <summary>Why a download legitimately failed. Mapped to gRPC status codes (and dfget exit codes) in one place each.</summary>
public enum DownloadErrorKind
{
    InvalidRequest,
    /// <summary>The source says the content does not exist (404, 410).</summary>
    SourceNotFound,
    /// <summary>The source refused the credentials (401, 403).</summary>
    SourceDenied,
    /// <summary>The source failed or could not be reached.</summary>
    SourceFailed,
    /// <summary>The content does not match the expected digest.</summary>
    DigestMismatch,
    /// <summary>The disk cannot take the content.</summary>
    InsufficientStorage,
    /// <summary>P2P could not serve and going to the source was not allowed.</summary>
    P2PUnavailable,
    /// <summary>The content was downloaded but could not be written to the requested output.</summary>
    OutputFailed,
    /// <summary>
    /// Bytes already sent came from content the download dropped to start over (what it held did not match the
    /// source): sending the rest from the new content could mix two versions. Asking again gets the new content.
    /// </summary>
    ContentReplaced,
}
