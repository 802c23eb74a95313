using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dragonfly.Supernode.Tests.Scheduling;

/// <summary>A scheduler whose loops the test runs by hand (Drain), with a fake seed and a fake clock.</summary>
internal sealed class SchedulerHarness
{
    public const int PieceSize = 4 * 1024 * 1024;

    public SchedulerHarness(SchedulerOptions? options = null)
    {
        Options = options ?? new SchedulerOptions { Shards = 1 };
        Health = new HostHealth(Options, Time);
        Scheduler = new Scheduler(Options, new DefaultParentEvaluator(), Health, Seed, NullLogger<Scheduler>.Instance);
    }

    public SchedulerOptions Options { get; }
    public FakeTimeProvider Time { get; } = new();
    public FakeSeed Seed { get; } = new();
    public HostHealth Health { get; }
    public Scheduler Scheduler { get; }
    public Dictionary<string, Channel<PeerPacket>> Streams { get; } = [];

    public static TaskId Task(string name = "blob") => new ContentKey("http://origin/" + name).ToTaskId();

    public async Task<RegisterPeerTaskResponse> RegisterAsync(string peerId, string name = "blob", string? host = null)
    {
        var id = Task(name);
        var registration = Scheduler.RegisterAsync(id, new ContentKey("http://origin/" + name), new Dictionary<string, string>(),
            peerId, new HostInfo { Id = host ?? peerId + "-host", Ip = "10.1.0." + (Streams.Count + 2), DownloadPort = 65002 }, CancellationToken.None);
        Scheduler.DrainForTesting();
        return await registration;
    }

    public async Task ConnectAsync(string peerId, string name = "blob")
    {
        await RegisterAsync(peerId, name);
        var stream = Channel.CreateUnbounded<PeerPacket>();
        Streams[peerId] = stream;
        var opened = Scheduler.OpenStreamAsync(Task(name), peerId, stream.Writer, CancellationToken.None);
        Scheduler.DrainForTesting();
        Assert.That(await opened, Is.Null);
    }

    public void Report(string peerId, int piece, string parentId, bool success = true, PieceFailure failure = PieceFailure.Unspecified, string name = "blob")
    {
        Scheduler.ReportPiece(Task(name), peerId, new PieceResult { Number = piece, ParentId = parentId, Success = success, Failure = failure, CostMicros = 1000 });
        Scheduler.DrainForTesting();
    }

    /// <summary>The newest packet sent to <paramref name="peerId"/> (older ones dropped), or null.</summary>
    public PeerPacket? Latest(string peerId)
    {
        PeerPacket? latest = null;
        while (Streams[peerId].Reader.TryRead(out var packet))
        {
            latest = packet;
        }
        return latest;
    }

    public string SeedPeerId => "seed-" + Seed.Host.Id;
}
