namespace Dragonfly.Grpc;

/// <summary>A call with one request and a stream of responses. Dispose cancels it if still running.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly Func<Status> _getStatus;
    private readonly Func<Metadata> _getTrailers;
    private readonly Action _dispose;

    internal AsyncServerStreamingCall(
        IAsyncStreamReader<TResponse> responseStream,
        Task<Metadata> responseHeadersAsync,
        Func<Status> getStatus,
        Func<Metadata> getTrailers,
        Action dispose)
    {
        ResponseStream = responseStream;
        ResponseHeadersAsync = responseHeadersAsync;
        _getStatus = getStatus;
        _getTrailers = getTrailers;
        _dispose = dispose;
    }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync { get; }

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> while the call is running.</summary>
    public Status GetStatus() => _getStatus();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> while the call is running.</summary>
    public Metadata GetTrailers() => _getTrailers();

    public void Dispose() => _dispose();
}
