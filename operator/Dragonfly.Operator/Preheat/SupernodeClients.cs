using System.Collections.Concurrent;
using Dragonfly.Grpc;
using Dragonfly.Protocol;

namespace Dragonfly.Operator.Preheat;

/// <summary>One gRPC channel per supernode address, reused across reconciles.</summary>
public sealed class SupernodeClients : IDisposable
{
    private readonly ConcurrentDictionary<Uri, (GrpcChannel Channel, SchedulerClient Client)> _clients = new();

    public SchedulerClient For(Uri address) => _clients.GetOrAdd(address, a =>
    {
        var channel = GrpcChannel.ForAddress(a);
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
