using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Dragonfly.Grpc;

/// <summary>What a server handler knows about its call.</summary>
public sealed class ServerCallContext
{
    internal ServerCallContext(
        HttpContext httpContext,
        string method,
        Metadata requestHeaders,
        DateTime? deadline,
        CancellationToken cancellationToken)
    {
        HttpContext = httpContext;
        Method = method;
        RequestHeaders = requestHeaders;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        Peer = FormatPeer(httpContext.Connection);
    }

    /// <summary>The full method name, e.g. <c>/interop.v1.Echo/Unary</c>.</summary>
    public string Method { get; }

    /// <summary>The remote address as <c>ipv4:127.0.0.1:5000</c> or <c>ipv6:[::1]:5000</c>.</summary>
    public string Peer { get; }

    /// <summary>Custom metadata sent by the client (protocol headers excluded).</summary>
    public Metadata RequestHeaders { get; }

    /// <summary>The UTC deadline from <c>grpc-timeout</c>, or null when the client set none.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancelled when the client cancels (stream reset) or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Custom trailers to send with the status.</summary>
    public Metadata ResponseTrailers { get; } = new();

    public HttpContext HttpContext { get; }

    private static string FormatPeer(ConnectionInfo connection)
    {
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? $"ipv6:[{address}]:{connection.RemotePort}"
            : $"ipv4:{address}:{connection.RemotePort}";
    }
}
