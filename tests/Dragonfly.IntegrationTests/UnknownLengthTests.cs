using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>A source that sends no Content-Length, with the seed cutting pieces smaller than the default.</summary>
public sealed class UnknownLengthTests : ClusterFixture
{
    [Test]
    public async Task SourceWithoutContentLength_SmallPieces_EveryPeerGetsIdenticalBytes_FromOneOriginRequest()
    {
        const long size = 5L * 256 * 1024 + 17;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "stream.bin"), size);
        var cluster = await StartClusterAsync(peers: 3, supernodeArgs: ["--pieceSize:min", "256K"]);
        cluster.Origin.OmitContentLength = true;
        var url = cluster.Origin.UrlOf("stream.bin");

        var results = await Task.WhenAll(cluster.Peers.Select(p => cluster.DfgetAsync(p, url, Output(p.Name + ".out"), cancellationToken: TestTimeout.Token)));

        foreach (var (peer, result) in cluster.Peers.Zip(results))
        {
            Assert.That(result.ExitCode, Is.Zero, $"{peer.Name}: {result.StandardError}");
            Assert.That(TestFiles.Sha256Of(Output(peer.Name + ".out")), Is.EqualTo(expected), $"{peer.Name} wrote bytes that differ from the source");
            Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the source");
        }
        Assert.That(cluster.Origin.Requests, Is.EqualTo(1));
    }
}
