namespace Dragonfly.LocalCluster;

/// <summary>One running peer daemon: its loopback address (its own "host") and its local API.</summary>
public sealed record PeerHandle(int Index, string Ip, ComponentProcess Process)
{
    public string ApiAddress => $"127.0.0.1:{Process.Port("grpcPort")}";

    /// <summary>The registry mirror / HTTP proxy, <c>ip:port</c>.</summary>
    public string MirrorAddress => $"{Ip}:{Process.Port("mirrorPort")}";

    public string Name => Process.Name;
}
