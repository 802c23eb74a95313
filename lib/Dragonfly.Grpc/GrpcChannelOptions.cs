namespace Dragonfly.Grpc;

/// <summary>Settings of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>The handler to send requests with; null creates a <see cref="SocketsHttpHandler"/> owned by the channel.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/> (a handler the channel created is always disposed).</summary>
    public bool DisposeHttpHandler { get; set; }

    /// <summary>Largest response message accepted; larger ones fail the call with ResourceExhausted.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent, or null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>TLS settings for https:// addresses (trust, client certificate) of the handler the channel creates.</summary>
    public System.Net.Security.SslClientAuthenticationOptions? SslOptions { get; set; }

    /// <summary>The clock deadlines are measured with.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
