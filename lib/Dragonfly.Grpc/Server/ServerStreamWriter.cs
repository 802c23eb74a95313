using Google.Protobuf;

namespace Dragonfly.Grpc.Server;

/// <summary>Writes response messages of a server call; each message is flushed at once.</summary>
internal sealed class ServerStreamWriter<T> : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    private readonly ServerCall _call;

    public ServerStreamWriter(ServerCall call) => _call = call;

    public Task WriteAsync(T message, CancellationToken cancellationToken = default) =>
        _call.WriteMessageAsync(message, cancellationToken);
}
