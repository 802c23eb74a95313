using System.Net.Security;
using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol;

namespace Dragonfly.PeerDaemon.Scheduling;

/// <summary>
/// The configured supernodes, ordered per task by rendezvous (highest-random-weight) hashing: every peer
/// picks the same home supernode for a task, and when one goes away only its tasks move. A supernode that
/// failed recently is isolated: it goes to the end of every order until a quiet period has passed, which
/// doubles with each further failure (up to <see cref="MaxIsolation"/>) and resets when it answers again.
/// </summary>
public sealed class SupernodeSelector : IDisposable
{
    public static readonly TimeSpan FirstIsolation = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxIsolation = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly Supernode[] _supernodes;
    private readonly TimeProvider _time;

    public SupernodeSelector(IReadOnlyList<Uri> addresses, TimeProvider? time = null, SslClientAuthenticationOptions? ssl = null)
    {
        _time = time ?? TimeProvider.System;
        _supernodes = addresses.Select(a =>
        {
            var channel = GrpcChannel.ForAddress(a, new GrpcChannelOptions { SslOptions = ssl });
            return new Supernode(a, channel, new SchedulerClient(channel));
        }).ToArray();
    }

    public IReadOnlyList<SchedulerClient> All => _supernodes.Select(s => s.Client).ToArray();

    /// <summary>Supernodes for <paramref name="taskId"/>: home first, isolated ones last (still tried when nothing else is left).</summary>
    public IReadOnlyList<SchedulerClient> For(TaskId taskId)
    {
        var ordered = RendezvousHash.Order(taskId, _supernodes, s => s.Address.Authority);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            return ordered.OrderBy(s => s.IsolatedUntil > now).Select(s => s.Client).ToArray();
        }
    }

    /// <summary>Supernodes isolated now.</summary>
    public int IsolatedCount
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                return _supernodes.Count(s => s.IsolatedUntil > now);
            }
        }
    }

    /// <summary>The supernode did not answer, refused, or dropped a piece stream: isolate it for a while.</summary>
    public void ReportFailure(SchedulerClient client)
    {
        lock (_gate)
        {
            var supernode = Find(client);
            supernode.Isolation = supernode.Isolation == TimeSpan.Zero
                ? FirstIsolation
                : TimeSpan.FromTicks(Math.Min(MaxIsolation.Ticks, supernode.Isolation.Ticks * 2));
            supernode.IsolatedUntil = _time.GetUtcNow() + supernode.Isolation;
        }
    }

    /// <summary>The supernode answered: it is healthy again.</summary>
    public void ReportSuccess(SchedulerClient client)
    {
        lock (_gate)
        {
            var supernode = Find(client);
            supernode.Isolation = TimeSpan.Zero;
            supernode.IsolatedUntil = DateTimeOffset.MinValue;
        }
    }

    public void Dispose()
    {
        foreach (var supernode in _supernodes)
        {
            supernode.Channel.Dispose();
        }
    }

    private Supernode Find(SchedulerClient client) =>
        Array.Find(_supernodes, s => ReferenceEquals(s.Client, client)) ?? throw new ArgumentException("not a client of this selector", nameof(client));

    private sealed class Supernode(Uri address, GrpcChannel channel, SchedulerClient client)
    {
        public Uri Address { get; } = address;
        public GrpcChannel Channel { get; } = channel;
        public SchedulerClient Client { get; } = client;
        public TimeSpan Isolation { get; set; }
        public DateTimeOffset IsolatedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
