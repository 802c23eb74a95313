using System.IO.Pipelines;
using Dragonfly.Grpc.Protocol;
using Google.Protobuf;

namespace Dragonfly.Grpc.Server;

/// <summary>Reads request messages from the HTTP/2 request body, frame by frame.</summary>
internal sealed class ServerStreamReader<T> : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private readonly ServerCall _call;
    private readonly PipeReader _body;
    private readonly MessageParser<T> _parser;
    private readonly int _maxMessageSize;
    private T? _current;

    public ServerStreamReader(ServerCall call, PipeReader body, MessageParser<T> parser, int maxMessageSize)
    {
        _call = call;
        _body = body;
        _parser = parser;
        _maxMessageSize = maxMessageSize;
    }

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.Context.CancellationToken);
        try
        {
            _current = await GrpcFrameReader.ReadMessageAsync(_body, _parser, _maxMessageSize, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (_call.ObserveTransportFailure(ex, linked.Token))
        {
            throw;
        }

        return _current is not null;
    }
}
