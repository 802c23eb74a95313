using System.Net;
using System.Net.Sockets;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>A TCP port on 127.0.0.1 that was free a moment ago; a start that then finds it taken retries with a new one.</summary>
public static class LoopbackPort
{
    public const string AddressInUse = "address already in use";

    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
