using Dragonfly.Grpc;

namespace Dragonfly.Dfget;

/// <summary>dfget's exit codes, one per kind of failure a script may want to tell apart.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Unexpected = 1;
    public const int InvalidArguments = 2;
    public const int DaemonUnreachable = 3;
    public const int SourceNotFound = 4;
    public const int SourceDenied = 5;
    public const int DownloadFailed = 6;
    public const int DigestMismatch = 7;
    public const int DiskFull = 8;
    public const int OutputFailed = 9;
    public const int TimedOut = 10;
    public const int Interrupted = 130;

    public static int FromStatus(StatusCode status) => status switch
    {
        StatusCode.InvalidArgument => InvalidArguments,
        StatusCode.NotFound => SourceNotFound,
        StatusCode.PermissionDenied or StatusCode.Unauthenticated => SourceDenied,
        StatusCode.Unavailable => DownloadFailed,
        StatusCode.DataLoss => DigestMismatch,
        StatusCode.ResourceExhausted => DiskFull,
        StatusCode.FailedPrecondition => OutputFailed,
        StatusCode.DeadlineExceeded => TimedOut,
        StatusCode.Cancelled => Interrupted,
        _ => Unexpected,
    };
}
