using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.IntegrationTests;

/// <summary>Several supernode replicas: a task's home dies mid-download and its peers finish on the next one.</summary>
public sealed class SupernodeFailoverTests : ClusterFixture
{
    [Test]
    public async Task HomeSupernodeKilledMidTask_EveryPeerCompletes_KeepingThePiecesItHeld()
    {
        const long size = 48L * 1024 * 1024;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), size);
        // A slow origin keeps the home's seed busy for seconds, so the kill lands mid-task.
        var cluster = await StartClusterAsync(peers: 4, supernodes: 3, originRateLimit: 12L * 1024 * 1024);
        var url = cluster.Origin.UrlOf("blob.bin");
        var taskId = new ContentKey(url.ToString()).ToTaskId();
        var order = RendezvousHash.Order(taskId, cluster.SupernodeAddresses, address => address);
        var home = cluster.Supernodes[cluster.SupernodeAddresses.ToList().IndexOf(order[0])];

        var watched = cluster.Peers[0];
        using var channel = GrpcChannel.ForAddress(new Uri("http://" + watched.ApiAddress));
        using var watchedCall = new DaemonClient(channel).Download(new DownloadRequest { Url = url.ToString(), Output = Output(watched.Name + ".out") });
        var others = cluster.Peers.Skip(1).ToArray();
        var downloads = others.Select(peer => cluster.DfgetAsync(peer, url, Output(peer.Name + ".out"), cancellationToken: TestTimeout.Token)).ToArray();
        var progress = watchedCall.ResponseStream;
        while (await progress.MoveNext(TestTimeout.Token) && progress.Current.CompletedBytes < 8 * 1024 * 1024)
        {
        }
        Assert.That(progress.Current.CompletedBytes, Is.LessThan(size), "the watched peer finished before the kill; the test would prove nothing");
        await home.KillAsync();
        while (!progress.Current.Done && await progress.MoveNext(TestTimeout.Token))
        {
        }
        var results = await Task.WhenAll(downloads);

        Assert.That(progress.Current.Done, Is.True, "the watched download's stream ended without its final message");
        var watchedTraffic = progress.Current.Traffic;
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(Output(watched.Name + ".out")), Is.EqualTo(expected), "the watched peer's bytes differ from the source");
            Assert.That(watchedTraffic.FromSource, Is.Zero, "the watched peer went to the source instead of the next supernode");
            Assert.That(watchedTraffic.FromSeed + watchedTraffic.FromPeers, Is.EqualTo(size), "the watched peer fetched pieces it already held again");
            foreach (var (peer, result) in others.Zip(results))
            {
                Assert.That(result.ExitCode, Is.Zero, $"{peer.Name}: {result.StandardError}");
                Assert.That(TestFiles.Sha256Of(Output(peer.Name + ".out")), Is.EqualTo(expected), $"{peer.Name} wrote bytes that differ from the source");
                Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the source instead of the next supernode");
                Assert.That(result.Summary.Total, Is.EqualTo(size), $"{peer.Name} fetched pieces it already held again");
            }
            // The dead home's seed and the next replica's seed: the peers themselves never asked the origin.
            Assert.That(cluster.Origin.Requests, Is.EqualTo(2), "requests that reached the origin");
        });
    }
}
