using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Dragonfly.Grpc;

public static class GrpcKestrelExtensions
{
    /// <summary>Listens on <paramref name="endPoint"/> for cleartext HTTP/2 only (h2c with prior knowledge), as gRPC clients connect.</summary>
    public static void ListenGrpc(this KestrelServerOptions options, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endPoint);
        options.Listen(endPoint, listen => listen.Protocols = HttpProtocols.Http2);
    }
}
