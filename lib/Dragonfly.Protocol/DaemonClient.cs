using Dragonfly.Grpc;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Protocol;

/// <summary>Typed client of a peer daemon's local API.</summary>
public sealed class DaemonClient(GrpcChannel channel)
{
    public Uri Address => channel.Address;

    public AsyncServerStreamingCall<DownloadProgress> Download(DownloadRequest request, CallOptions options = default) =>
        channel.ServerStreaming(DaemonMethods.Download, request, options);
}
