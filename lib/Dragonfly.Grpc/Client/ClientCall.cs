using System.IO.Pipelines;
using System.Net.Http.Headers;
using Dragonfly.Grpc.Protocol;
using Google.Protobuf;

namespace Dragonfly.Grpc.Client;

/// <summary>
/// One client call over one HTTP/2 stream. The first cause that ends the call (trailers, a transport error,
/// the caller's cancellation, the deadline, Dispose) fixes its status; ending it early resets the stream.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly bool _singleResponse;
    private readonly CancellationTokenSource _callCts = new();
    private readonly TaskCompletionSource<Metadata> _headers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private CancellationTokenSource? _deadlineCts;
    private CancellationTokenRegistration _userRegistration;
    private CancellationTokenRegistration _deadlineRegistration;
    private Task<PipeReader?> _responseBody = Task.FromResult<PipeReader?>(null);
    private HttpRequestMessage? _request;
    private HttpResponseMessage? _response;
    private StreamingRequestContent? _streamingContent;
    private Status? _status;
    private Metadata _trailers = new();
    private int _messagesRead;

    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _singleResponse = method.Type is MethodType.Unary or MethodType.ClientStreaming;
    }

    public Task<Metadata> ResponseHeadersAsync => _headers.Task;

    public CancellationToken CallToken => _callCts.Token;

    public int? MaxSendMessageSize => _channel.MaxSendMessageSize;

    public void StartUnary(TRequest request)
    {
        var content = new ByteArrayContent(GrpcFrameWriter.CreateFrame(request, _channel.MaxSendMessageSize));
        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
        Start(content);
    }

    public StreamingRequestContent StartStreaming()
    {
        _streamingContent = new StreamingRequestContent();
        Start(_streamingContent);
        return _streamingContent;
    }

    /// <summary>The next response message, or null after an OK status.</summary>
    /// <exception cref="RpcException">The call ended with a non-OK status.</exception>
    public async Task<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        using var registration = RegisterCallerToken(cancellationToken);
        var body = await _responseBody.ConfigureAwait(false);
        if (body is null)
        {
            return FinishedResult();
        }

        TResponse? message;
        try
        {
            message = await GrpcFrameReader.ReadMessageAsync(body, _method.ResponseParser, _channel.MaxReceiveMessageSize, _callCts.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }

        if (message is not null)
        {
            if (++_messagesRead > 1 && _singleResponse)
            {
                throw Fail(new RpcException(new Status(StatusCode.Unimplemented, "Received more than one response message for a single-response call.")));
            }

            return message;
        }

        Finish(ReadTrailerStatus());
        return FinishedResult();
    }

    /// <summary>Reads the one response of a unary or client-streaming call and the status after it.</summary>
    public async Task<TResponse> ReadSingleResponseAsync()
    {
        // A missing or second message is turned into a non-OK status by ReadMessageAsync, which then throws.
        var response = await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
        await ReadMessageAsync(CancellationToken.None).ConfigureAwait(false);
        return response ?? throw new RpcException(GetStatus(), _trailers);
    }

    public Status GetStatus() =>
        _status ?? throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers() =>
        _status is null
            ? throw new InvalidOperationException("Unable to get the trailers because the call is not complete.")
            : _trailers;

    /// <summary>Throws when request messages can no longer be sent because the call has ended.</summary>
    public void ThrowIfFinished()
    {
        if (_status is { } status)
        {
            throw status.StatusCode == StatusCode.OK
                ? new InvalidOperationException("Can't write the message because the call is complete.")
                : new RpcException(status, _trailers);
        }
    }

    /// <summary>Ends the call with the status for <paramref name="exception"/> unless it has one already; returns what to throw.</summary>
    public Exception Fail(Exception exception)
    {
        Status status;
        lock (_lock)
        {
            _status ??= GrpcStatusMapping.FromException(exception);
            status = _status.Value;
        }

        Abort(status);
        return status.StatusCode == StatusCode.OK
            ? new InvalidOperationException("The call is already complete.", exception)
            : new RpcException(status, _trailers);
    }

    public CancellationTokenRegistration RegisterCallerToken(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.Register(static state => ((ClientCall<TRequest, TResponse>)state!).Cancel(StatusCode.Cancelled, "Call canceled by the client."), this)
            : default;

    public void Dispose()
    {
        Cancel(StatusCode.Cancelled, "Call disposed.");
        _userRegistration.Dispose();
        _deadlineRegistration.Dispose();
        _deadlineCts?.Dispose();
        _response?.Dispose();
        _request?.Dispose();
    }

    private void Start(HttpContent content)
    {
        _request = ClientRequestFactory.Create(_channel.Address, _method.FullName, content, _options.Headers);
        _userRegistration = RegisterCallerToken(_options.CancellationToken);
        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var timeout = deadline.ToUniversalTime() - _channel.TimeProvider.GetUtcNow().UtcDateTime;
            if (timeout <= TimeSpan.Zero)
            {
                Cancel(StatusCode.DeadlineExceeded, "Deadline Exceeded");
                return;
            }

            _request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
            if (timeout <= GrpcTimeout.MaxTimerDelay)
            {
                _deadlineCts = new CancellationTokenSource(timeout, _channel.TimeProvider);
                _deadlineRegistration = _deadlineCts.Token.Register(
                    static state => ((ClientCall<TRequest, TResponse>)state!).Cancel(StatusCode.DeadlineExceeded, "Deadline Exceeded"),
                    this);
            }
        }

        if (_status is null)
        {
            _responseBody = ReceiveResponseAsync(_request);
        }
    }

    private async Task<PipeReader?> ReceiveResponseAsync(HttpRequestMessage request)
    {
        try
        {
            var response = await _channel.Invoker.SendAsync(request, _callCts.Token).ConfigureAwait(false);
            lock (_lock)
            {
                _response = response;
            }

            _callCts.Token.ThrowIfCancellationRequested();
            if (ClientResponseValidator.GetHeaderStatus(response) is { } status)
            {
                _trailers = MetadataHeaders.ToMetadata(response.Headers);
                Finish(status);
                return null;
            }

            _headers.TrySetResult(MetadataHeaders.ToMetadata(response.Headers));
            var stream = await response.Content.ReadAsStreamAsync(_callCts.Token).ConfigureAwait(false);
            return PipeReader.Create(stream);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }
    }

    private Status ReadTrailerStatus()
    {
        var trailers = _response!.TrailingHeaders;
        _trailers = MetadataHeaders.ToMetadata(trailers);
        return GrpcStatusMapping.FromHeaders(First(trailers, GrpcProtocol.StatusHeader), First(trailers, GrpcProtocol.MessageHeader))
            ?? new Status(StatusCode.Internal, "The response ended without a grpc-status trailer.");
    }

    private TResponse? FinishedResult()
    {
        var status = GetStatus();
        return status.StatusCode == StatusCode.OK ? null : throw new RpcException(status, _trailers);
    }

    private void Finish(Status status)
    {
        if (status.StatusCode == StatusCode.OK && _singleResponse && _messagesRead == 0)
        {
            status = new Status(StatusCode.Unimplemented, "Response stream ended without a message for a single-response call.");
        }

        lock (_lock)
        {
            _status ??= status;
        }

        _headers.TrySetResult(_trailers);
        _streamingContent?.Abort();
    }

    private void Cancel(StatusCode code, string detail)
    {
        Status status;
        lock (_lock)
        {
            if (_status is not null)
            {
                return;
            }

            _status = status = new Status(code, detail);
        }

        Abort(status);
    }

    /// <summary>Stops the HTTP/2 stream: cancels pending I/O and disposes the response, which resets the stream.</summary>
    private void Abort(Status status)
    {
        _headers.TrySetException(new RpcException(status));
        _streamingContent?.Abort();
        _callCts.Cancel();
        HttpResponseMessage? response;
        lock (_lock)
        {
            response = _response;
        }

        response?.Dispose();
    }

    private static string? First(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
