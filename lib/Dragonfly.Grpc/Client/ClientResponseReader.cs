using Google.Protobuf;

namespace Dragonfly.Grpc.Client;

/// <summary>Reads response messages of a call frame by frame; a non-OK status surfaces as <see cref="RpcException"/>.</summary>
internal sealed class ClientResponseReader<TRequest, TResponse> : IAsyncStreamReader<TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly ClientCall<TRequest, TResponse> _call;
    private TResponse? _current;

    public ClientResponseReader(ClientCall<TRequest, TResponse> call) => _call = call;

    public TResponse Current => _current ?? throw new InvalidOperationException("No current message: call MoveNext first.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken = default)
    {
        _current = await _call.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        return _current is not null;
    }
}
