namespace Dragonfly.Grpc;

/// <summary>Writes request messages from a client; <see cref="CompleteAsync"/> ends the request stream.</summary>
public interface IClientStreamWriter<in T>
{
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    Task CompleteAsync();
}
