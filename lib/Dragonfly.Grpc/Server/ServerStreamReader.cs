using System.IO.Pipelines;
using Dragonfly.Grpc.Protocol;
using Google.Protobuf;

namespace Dragonfly.Grpc.Server;

/// <summary>Reads request messages from the HTTP/2 request body, frame by frame.</summary>
internal sealed class ServerStreamReader<T> : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private readonly PipeReader _body;
    private readonly MessageParser<T> _parser;
    private readonly int _maxMessageSize;
    private readonly CancellationToken _callToken;
    private T? _current;

    public ServerStreamReader(PipeReader body, MessageParser<T> parser, int maxMessageSize, CancellationToken callToken)
    {
        _body = body;
        _parser = parser;
        _maxMessageSize = maxMessageSize;
        _callToken = callToken;
    }

    public T Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callToken);
        _current = await GrpcFrameReader.ReadMessageAsync(_body, _parser, _maxMessageSize, linked.Token).ConfigureAwait(false);
        return _current is not null;
    }
}
