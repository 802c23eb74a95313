using Dragonfly.Grpc;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.IntegrationTests;

public sealed class SupernodeRestartTests : ClusterFixture
{
    [Test]
    public async Task CompletedContent_SurvivesSupernodeRestart_WithoutAskingTheOriginAgain()
    {
        const long size = 10L * 1024 * 1024;
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        var cluster = await StartClusterAsync(peers: 1);
        var url = cluster.Origin.UrlOf("blob.bin");
        var first = await cluster.DfgetAsync(cluster.Peers[0], url, Output("first"), cancellationToken: TestTimeout.Token);
        Assert.That(first.ExitCode, Is.Zero, first.StandardError);
        await cluster.Supernode!.KillAsync();

        var dataDir = Path.Combine(WorkDir, "supernode-data");
        var restarted = Own(await ComponentProcess.StartAsync("supernode-restarted", ComponentBinaries.Supernode,
            ["--listenIp", "127.0.0.4", "--grpcPort", "0", "--downloadPort", "0", "--metricsPort", "0", "--dataDir", dataDir], WorkDir, TimeSpan.FromMinutes(1), TestTimeout.Token));
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.4:{restarted.Port("grpcPort")}"));
        var scheduler = new SchedulerClient(channel);

        var stat = await scheduler.StatTaskAsync(new StatTaskRequest { TaskId = first.Summary!.TaskId });
        var preheat = await scheduler.PreheatAsync(new PreheatRequest { Url = url.ToString(), UrlMeta = new UrlMeta() });

        Assert.Multiple(() =>
        {
            Assert.That(stat.State, Is.EqualTo(TaskState.Succeeded));
            Assert.That(stat.ContentLength, Is.EqualTo(size));
            Assert.That(preheat.State, Is.EqualTo(TaskState.Succeeded), "a preheat of cached content is already done");
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1));
        });
    }
}
