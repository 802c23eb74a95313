using Dragonfly.Grpc.Protocol;
using Google.Protobuf;

namespace Dragonfly.Grpc.Client;

/// <summary>Writes request messages of a streaming call into its open request body, one write at a time.</summary>
internal sealed class ClientRequestWriter<TRequest, TResponse> : IClientStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall<TRequest, TResponse> _call;
    private readonly StreamingRequestContent _content;
    private readonly Lock _lock = new();
    private bool _writing;
    private bool _completed;

    public ClientRequestWriter(ClientCall<TRequest, TResponse> call, StreamingRequestContent content)
    {
        _call = call;
        _content = content;
    }

    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException("Can't write the message because the request stream is complete.");
            }

            if (_writing)
            {
                throw new InvalidOperationException("Can't write the message because the previous write is in progress.");
            }

            _call.ThrowIfFinished();
            _writing = true;
        }

        try
        {
            using var registration = _call.RegisterCallerToken(cancellationToken);
            var stream = await _content.GetStreamAsync(_call.CallToken).ConfigureAwait(false);
            await GrpcFrameWriter.WriteAsync(stream, message, _call.MaxSendMessageSize, _call.CallToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw _call.Fail(ex);
        }
        finally
        {
            lock (_lock)
            {
                _writing = false;
            }
        }
    }

    public Task CompleteAsync()
    {
        lock (_lock)
        {
            if (_writing)
            {
                throw new InvalidOperationException("Can't complete the request stream because a write is in progress.");
            }

            _completed = true;
        }

        _content.Complete();
        return Task.CompletedTask;
    }
}
