using Dragonfly.Grpc.Protocol;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Dragonfly.Grpc.Server;

/// <summary>
/// One server call's response side: message writes and the final status are serialized by one lock, so a
/// deadline can end the call while the handler is still running and later handler writes fail cleanly.
/// It also notices when the client is gone: Kestrel fails the request body and response writes of a reset
/// stream at once but cancels <see cref="HttpContext.RequestAborted"/> later, on the thread pool. A read or write
/// that fails that way cancels the call's token before the handler sees the failure.
/// </summary>
internal sealed class ServerCall : IDisposable
{
    private static readonly TimeSpan DeadlineWriteGrace = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _responseLock = new(1, 1);
    private readonly GrpcServerOptions _options;
    private readonly CancellationTokenSource _callCts;
    private volatile bool _completed;
    private volatile bool _transportFailed;

    /// <param name="callCts">The source of <paramref name="context"/>'s token; cancelled when the client is seen gone.</param>
    public ServerCall(HttpContext httpContext, ServerCallContext context, CancellationTokenSource callCts, GrpcServerOptions options)
    {
        HttpContext = httpContext;
        Context = context;
        _callCts = callCts;
        _options = options;
    }

    public HttpContext HttpContext { get; }

    public ServerCallContext Context { get; }

    /// <summary>The client reset the stream or dropped the connection; nothing more can be sent to it.</summary>
    public bool IsClientGone => _transportFailed || HttpContext.RequestAborted.IsCancellationRequested;

    /// <summary>
    /// Whether <paramref name="exception"/>, thrown by a request body read or a response write, means the client
    /// is gone; if so, cancels the call's token first, so the handler and its registrations see it cancelled.
    /// </summary>
    public bool ObserveTransportFailure(Exception exception, CancellationToken operationToken)
    {
        var transport = exception is IOException
            || (exception is OperationCanceledException && !operationToken.IsCancellationRequested);
        if (!transport)
        {
            return false;
        }

        _transportFailed = true;
        try
        {
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call has ended; nobody is left to observe its token.
        }

        return true;
    }

    /// <summary>Reads the single request of a unary or server-streaming call; any other count is a cardinality violation.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var reader = CreateReader(parser);
        if (!await reader.MoveNext(Context.CancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(new Status(
                StatusCode.Unimplemented,
                "Request stream ended without a message: this method expects exactly one request message."));
        }

        var request = reader.Current;
        if (await reader.MoveNext(Context.CancellationToken).ConfigureAwait(false))
        {
            throw new RpcException(new Status(
                StatusCode.Unimplemented,
                "Received more than one request message: this method expects exactly one request message."));
        }

        return request;
    }

    public ServerStreamReader<T> CreateReader<T>(MessageParser<T> parser)
        where T : class, IMessage<T> =>
        new(this, HttpContext.Request.BodyReader, parser, _options.MaxReceiveMessageSize);

    public ServerStreamWriter<T> CreateWriter<T>()
        where T : class, IMessage<T> => new(this);

    public async Task WriteMessageAsync(IMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Context.CancellationToken);
        await _responseLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException("Can't write the message because the call is complete.");
            }

            await GrpcFrameWriter.WriteAsync(HttpContext.Response.Body, message, _options.MaxSendMessageSize, linked.Token)
                .ConfigureAwait(false);
        }
        catch (Exception ex) when (ObserveTransportFailure(ex, linked.Token))
        {
            throw;
        }
        finally
        {
            _responseLock.Release();
        }
    }

    /// <summary>Sends the status (and <see cref="ServerCallContext.ResponseTrailers"/>) and ends the response.</summary>
    public async Task CompleteAsync(Status status)
    {
        await _responseLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await CompleteLockedAsync(status).ConfigureAwait(false);
        }
        finally
        {
            _responseLock.Release();
        }
    }

    /// <summary>Ends the call with DeadlineExceeded; resets the stream if a write still holds the response after a grace period.</summary>
    public async Task CompleteOnDeadlineAsync()
    {
        if (!await _responseLock.WaitAsync(DeadlineWriteGrace, CancellationToken.None).ConfigureAwait(false))
        {
            _completed = true;
            HttpContext.Features.Get<IHttpResetFeature>()?.Reset(GrpcProtocol.Http2CancelErrorCode);
            return;
        }

        try
        {
            await CompleteLockedAsync(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")).ConfigureAwait(false);
        }
        finally
        {
            _responseLock.Release();
        }
    }

    public void Dispose() => _responseLock.Dispose();

    private async Task CompleteLockedAsync(Status status)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (IsClientGone)
        {
            return;
        }

        var response = HttpContext.Response;
        if (response.HasStarted)
        {
            WriteStatus(status, (name, value) => response.AppendTrailer(name, value));
        }
        else
        {
            // Trailers-only response: the status travels in the only HEADERS frame.
            WriteStatus(status, (name, value) => response.Headers.Append(name, value));
        }

        await response.CompleteAsync().ConfigureAwait(false);
    }

    private void WriteStatus(Status status, Action<string, string> add)
    {
        add(GrpcProtocol.StatusHeader, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (status.StatusCode != StatusCode.OK && !string.IsNullOrEmpty(status.Detail))
        {
            add(GrpcProtocol.MessageHeader, GrpcMessageEncoding.Encode(status.Detail));
        }

        foreach (var entry in Context.ResponseTrailers)
        {
            if (!MetadataHeaders.IsReserved(entry.Key))
            {
                add(entry.Key, entry.Value);
            }
        }
    }
}
