using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Download;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>The one mapping from download errors to gRPC status codes.</summary>
public static class DownloadErrorStatus
{
    public static StatusCode ToStatusCode(DownloadErrorKind kind) => kind switch
    {
        DownloadErrorKind.InvalidRequest => StatusCode.InvalidArgument,
        DownloadErrorKind.SourceNotFound => StatusCode.NotFound,
        DownloadErrorKind.SourceDenied => StatusCode.PermissionDenied,
        DownloadErrorKind.SourceFailed => StatusCode.Unavailable,
        DownloadErrorKind.DigestMismatch => StatusCode.DataLoss,
        DownloadErrorKind.InsufficientStorage => StatusCode.ResourceExhausted,
        DownloadErrorKind.P2PUnavailable => StatusCode.Unavailable,
        DownloadErrorKind.OutputFailed => StatusCode.FailedPrecondition,
        DownloadErrorKind.ContentReplaced => StatusCode.Aborted,
        _ => StatusCode.Unknown,
    };

    public static RpcException ToException(DownloadError error) => new(new Status(ToStatusCode(error.Kind), error.Message));
}
