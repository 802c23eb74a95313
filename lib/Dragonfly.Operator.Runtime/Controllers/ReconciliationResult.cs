namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>
/// What a reconcile decided, as a value: success (optionally look again later) or failure (retried with the
/// key's exponential backoff unless <see cref="RequeueAfter"/> says when).
/// </summary>
public sealed record ReconciliationResult
{
    public bool IsSuccess { get; private init; }
    public string? ErrorMessage { get; private init; }
    public Exception? Error { get; private init; }
    public TimeSpan? RequeueAfter { get; private init; }

    public static ReconciliationResult Success(TimeSpan? requeueAfter = null) => new() { IsSuccess = true, RequeueAfter = requeueAfter };

    public static ReconciliationResult Failure(string message, Exception? error = null, TimeSpan? requeueAfter = null) =>
        new() { IsSuccess = false, ErrorMessage = message, Error = error, RequeueAfter = requeueAfter };
}
