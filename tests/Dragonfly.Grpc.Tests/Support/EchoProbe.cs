namespace Dragonfly.Grpc.Tests.Support;

/// <summary>Signals from the test server's handlers to the tests. Reset before each test.</summary>
public sealed class EchoProbe
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public TaskCompletionSource<ServerCallContext> SlowStarted { get; private set; } = NewSignal<ServerCallContext>();

    public TaskCompletionSource SlowCancelled { get; private set; } = NewSignal();

    /// <summary>Set when a Slow handler returns or throws.</summary>
    public TaskCompletionSource SlowFinished { get; private set; } = NewSignal();

    /// <summary>Lets a Slow handler that ignores cancellation return.</summary>
    public TaskCompletionSource SlowRelease { get; private set; } = NewSignal();

    public TaskCompletionSource BidiCancelled { get; private set; } = NewSignal();

    /// <summary>Set when a Bidi handler's read fails: whether its call token was cancelled by then.</summary>
    public TaskCompletionSource<bool> BidiReadFailed { get; private set; } = NewSignal<bool>();

    public TaskCompletionSource<ServerCallContext> LastUnaryContext { get; private set; } = NewSignal<ServerCallContext>();

    public void Reset()
    {
        SlowRelease.TrySetResult();
        SlowStarted = NewSignal<ServerCallContext>();
        SlowCancelled = NewSignal();
        SlowFinished = NewSignal();
        SlowRelease = NewSignal();
        BidiCancelled = NewSignal();
        BidiReadFailed = NewSignal<bool>();
        LastUnaryContext = NewSignal<ServerCallContext>();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
