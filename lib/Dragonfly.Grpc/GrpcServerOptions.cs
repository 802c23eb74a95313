namespace Dragonfly.Grpc;

/// <summary>Limits applied to every gRPC method mapped on the server.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted; larger ones end the call with ResourceExhausted.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message sent; larger ones end the call with ResourceExhausted.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;
}
