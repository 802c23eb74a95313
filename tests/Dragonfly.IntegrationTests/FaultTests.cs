using Dragonfly.Grpc;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.IntegrationTests;

public sealed class FaultTests : ClusterFixture
{
    [Test]
    public async Task PeerServingCorruptPieces_NoBadByteWritten_ParentNotChosenAgain()
    {
        const long size = 48L * 1024 * 1024;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        // A slow origin makes the seed announce pieces one by one, and the evil peer claims each at once.
        var cluster = await StartClusterAsync(peers: 4, originRateLimit: 24L * 1024 * 1024);
        var url = cluster.Origin.UrlOf("blob.bin");
        var evil = Own(await EvilPeer.StartAsync(cluster.SupernodeAddress));
        await evil.JoinAsync(url.ToString());

        var results = await Task.WhenAll(cluster.Peers.Select(peer =>
            cluster.DfgetAsync(peer, url, Output(peer.Name + ".out"), cancellationToken: TestTimeout.Token)));

        foreach (var (peer, result) in cluster.Peers.Zip(results))
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            Assert.That(TestFiles.Sha256Of(Output(peer.Name + ".out")), Is.EqualTo(expected), $"{peer.Name} wrote bytes that differ from the source");
        }
        Assert.That(evil.RequestsByClientIp.Values.Sum(), Is.GreaterThan(0), "the evil peer was never asked, so this test proved nothing");
        Assert.Multiple(() =>
        {
            foreach (var (ip, count) in evil.RequestsByClientIp)
            {
                // At most the pieces already in flight when the first corrupt one was detected (2 per parent).
                Assert.That(count, Is.LessThanOrEqualTo(2), $"peer {ip} kept asking the corrupt parent");
            }
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "a corrupt peer must not send anyone back to the source");
        });
    }

    [Test]
    public async Task PeerKilledMidTransfer_EveryOtherPeerCompletes()
    {
        const long size = 64L * 1024 * 1024;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        // Host-level download limit: the transfer lasts seconds, so the kill lands mid-way.
        var cluster = await StartClusterAsync(peers: 5, peerArgs: ["--downloadRateLimit", "16M"]);
        var url = cluster.Origin.UrlOf("blob.bin");
        var victim = cluster.Peers[^1];
        var survivors = cluster.Peers.Take(4).ToArray();

        using var channel = GrpcChannel.ForAddress(new Uri("http://" + victim.ApiAddress));
        using var victimCall = new DaemonClient(channel).Download(new DownloadRequest { Url = url.ToString(), Output = Output("victim.out") });
        var downloads = survivors.Select(peer => cluster.DfgetAsync(peer, url, Output(peer.Name + ".out"), cancellationToken: TestTimeout.Token)).ToArray();
        // Kill the victim as soon as it holds a piece (others may be fetching from it).
        while (await victimCall.ResponseStream.MoveNext(TestTimeout.Token) && victimCall.ResponseStream.Current.CompletedBytes < 4 * 1024 * 1024)
        {
        }
        Assert.That(downloads.Any(d => d.IsCompleted), Is.False, "a survivor finished before the kill; the test would prove nothing");
        await victim.Process.KillAsync();

        var results = await Task.WhenAll(downloads);

        foreach (var (peer, result) in survivors.Zip(results))
        {
            Assert.That(result.ExitCode, Is.Zero, result.StandardError);
            Assert.That(TestFiles.Sha256Of(Output(peer.Name + ".out")), Is.EqualTo(expected));
        }
        Assert.That(File.Exists(Output("victim.out")), Is.False, "the killed peer must not leave an output that looks whole");
    }

    [Test]
    public async Task SupernodeUnreachable_DfgetCompletesFromSource()
    {
        const long size = 9L * 1024 * 1024 + 3;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        var cluster = await StartClusterAsync(peers: 1, startSupernode: false, supernodeAddress: "127.0.0.3:1",
            peerArgs: ["--download:registerTimeout", "00:00:02"]);

        var result = await cluster.DfgetAsync(cluster.Peers[0], cluster.Origin.UrlOf("blob.bin"), Output("out"), cancellationToken: TestTimeout.Token);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(Output("out")), Is.EqualTo(expected));
            Assert.That(result.Summary!.FromSource, Is.EqualTo(size));
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task FiftySimultaneousRegistrations_OfANewTask_OneRequestReachesTheOrigin()
    {
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), 20L * 1024 * 1024);
        var cluster = await StartClusterAsync(peers: 0);
        var url = cluster.Origin.UrlOf("blob.bin").ToString();
        var taskId = new Dragonfly.Core.ContentKey(url).ToTaskId().Value;
        using var channel = GrpcChannel.ForAddress(new Uri("http://" + cluster.SupernodeAddress));
        var scheduler = new SchedulerClient(channel);

        var registrations = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => scheduler.RegisterPeerTaskAsync(new RegisterPeerTaskRequest
        {
            Url = url,
            UrlMeta = new UrlMeta(),
            TaskId = taskId,
            PeerId = $"peer-{i}",
            Host = new HostInfo { Id = $"host-{i}", Ip = "127.0.0.1", DownloadPort = 9 },
        })));
        StatTaskResponse stat;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        do
        {
            stat = await scheduler.StatTaskAsync(new StatTaskRequest { TaskId = taskId });
        }
        while (stat.State == TaskState.Running && await poll.WaitForNextTickAsync(TestTimeout.Token));

        Assert.Multiple(() =>
        {
            Assert.That(registrations.Select(r => r.TaskId).Distinct(), Is.EqualTo(new[] { taskId }));
            Assert.That(stat.State, Is.EqualTo(TaskState.Succeeded), stat.Error);
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1), "requests that reached the origin");
            Assert.That(stat.SeedPieces, Is.EqualTo(5));
        });
    }
}
