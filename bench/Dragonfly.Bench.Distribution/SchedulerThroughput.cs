using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol.V1;
using Dragonfly.Supernode.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.Bench.Distribution;

/// <summary>
/// Piece reports the scheduler applies per second: the real <see cref="Scheduler"/> (one shard, its own loop,
/// parent selection, seed offers and a packet to every peer whose view changed, all as in the supernode),
/// <c>peers</c> peers of one task each reporting every one of <c>pieces</c> pieces, pieces in swarm order
/// (every peer reports piece k, each from the peer before it, then piece k+1). The caller pins the process
/// to one core. Timed from the first report posted to the scheduler's answer to a query posted after the last.
/// </summary>
public static class SchedulerThroughput
{
    public static async Task<double> MeasureAsync(int peers, int pieces, int round, CancellationToken cancellationToken)
    {
        var options = new SchedulerOptions { Shards = 1 };
        var seed = new ScriptedSeed();
        var scheduler = new Scheduler(options, new DefaultParentEvaluator(), new HostHealth(options, TimeProvider.System), seed, NullLogger<Scheduler>.Instance);
        await scheduler.StartAsync(cancellationToken);
        try
        {
            var key = new ContentKey($"http://127.0.0.2/blob-{round}");
            var taskId = key.ToTaskId();
            var ids = Enumerable.Range(0, peers).Select(i => $"peer-{i}").ToArray();
            for (var i = 0; i < peers; i++)
            {
                var host = new HostInfo { Id = ids[i] + "-host", Ip = PeerAddresses.Of(i), DownloadPort = 65002 };
                await scheduler.RegisterAsync(taskId, key, new Dictionary<string, string>(), ids[i], host, cancellationToken);
                // Packets are built and sent as in the supernode; the benchmark keeps only the newest of each peer.
                var stream = Channel.CreateBounded<PeerPacket>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
                await scheduler.OpenStreamAsync(taskId, ids[i], stream.Writer, cancellationToken);
            }
            seed.AnnounceAll(taskId, pieces, 4 << 20);
            await scheduler.StatAsync(taskId, cancellationToken);

            var started = TimeProvider.System.GetTimestamp();
            for (var k = 0; k < pieces; k++)
            {
                for (var i = 0; i < peers; i++)
                {
                    scheduler.ReportPiece(taskId, ids[i], new PieceResult { Number = k, ParentId = i == 0 ? seed.PeerId : ids[i - 1], Success = true, CostMicros = 40_000 });
                }
            }
            await scheduler.StatAsync(taskId, cancellationToken); // answered after every report before it
            return (double)peers * pieces / TimeProvider.System.GetElapsedTime(started).TotalSeconds;
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }
}
