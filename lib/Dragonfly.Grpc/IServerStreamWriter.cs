namespace Dragonfly.Grpc;

/// <summary>Writes response messages from a server handler.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}
