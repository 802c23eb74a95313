using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol;

namespace Dragonfly.PeerDaemon.Scheduling;

/// <summary>
/// The configured supernodes, ordered per task by rendezvous (highest-random-weight) hashing: every peer
/// picks the same home supernode for a task, and when one goes away only its tasks move.
/// </summary>
public sealed class SupernodeSelector : IDisposable
{
    private readonly (Uri Address, GrpcChannel Channel, SchedulerClient Client)[] _supernodes;

    public SupernodeSelector(IReadOnlyList<Uri> addresses)
    {
        _supernodes = addresses.Select(a =>
        {
            var channel = GrpcChannel.ForAddress(a);
            return (a, channel, new SchedulerClient(channel));
        }).ToArray();
    }

    public IReadOnlyList<SchedulerClient> All => _supernodes.Select(s => s.Client).ToArray();

    /// <summary>Supernodes for <paramref name="taskId"/>, home first.</summary>
    public IReadOnlyList<SchedulerClient> For(TaskId taskId) =>
        RendezvousHash.Order(taskId, _supernodes, s => s.Address.Authority).Select(s => s.Client).ToArray();

    public void Dispose()
    {
        foreach (var (_, channel, _) in _supernodes)
        {
            channel.Dispose();
        }
    }
}
