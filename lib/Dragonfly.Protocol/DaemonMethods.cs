using Dragonfly.Grpc;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Protocol;

/// <summary>Method descriptors of <c>dragonfly.v1.Daemon</c>, the peer daemon's local API.</summary>
public static class DaemonMethods
{
    public const string ServiceName = "dragonfly.v1.Daemon";

    public static readonly Method<DownloadRequest, DownloadProgress> Download =
        new(MethodType.ServerStreaming, ServiceName, nameof(Download), DownloadRequest.Parser, DownloadProgress.Parser);
}
