namespace Dragonfly.LocalCluster;

/// <summary>One running peer daemon: its loopback address (its own "host") and its local API.</summary>
public sealed record PeerHandle(int Index, string Ip, ComponentProcess Process)
{
    public string ApiAddress => $"127.0.0.1:{Process.Port("grpcPort")}";

    public string Name => Process.Name;
}
