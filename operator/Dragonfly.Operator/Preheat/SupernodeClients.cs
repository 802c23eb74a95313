using System.Collections.Concurrent;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Transfer.Tls;

namespace Dragonfly.Operator.Preheat;

/// <summary>One gRPC channel per supernode address, reused across reconciles; https:// ones use the operator's TLS settings.</summary>
public sealed class SupernodeClients(TlsCredentials tls) : IDisposable
{
    private readonly ConcurrentDictionary<Uri, (GrpcChannel Channel, SchedulerClient Client)> _clients = new();

    public SchedulerClient For(Uri address) => _clients.GetOrAdd(address, a =>
    {
        var channel = GrpcChannel.ForAddress(a, new GrpcChannelOptions { SslOptions = tls.ForPeers() });
        return (channel, new SchedulerClient(channel));
    }).Client;

    public void Dispose()
    {
        foreach (var (channel, _) in _clients.Values)
        {
            channel.Dispose();
        }
    }
}
