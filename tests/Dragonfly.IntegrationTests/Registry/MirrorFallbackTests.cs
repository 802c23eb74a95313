using System.Net;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.LocalCluster.Registry;
using Dragonfly.Protocol.V1;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>
/// A blob response the mirror is streaming when P2P fails: it goes on from the registry without a break, and it
/// never completes with bytes that are not the blob's.
/// </summary>
[TestFixture]
public sealed class MirrorFallbackTests : MirrorFixture
{
    [Test]
    public async Task SupernodeLostWhileABlobStreams_ResponseGoesOn_AndTheRegistryIsAskedOnlyForTheRest()
    {
        const long size = 24L << 20;
        const long readBeforeTheKill = 8L << 20;
        var registry = await StartRegistryAsync("open");
        var image = await PushImageAsync(registry, "demo/app", [size]);
        var layer = image.Layers[0];
        // A slow seed keeps the task running for seconds, so the kill lands mid-blob.
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host], supernodeArgs: ["--backToSourceRateLimit", "4M"]);
        var url = $"http://{cluster.Peers[0].MirrorAddress}/v2/demo/app/blobs/{layer.Digest}?ns={registry.Host}";

        using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, TestTimeout.Token);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await using var body = await response.Content.ReadAsStreamAsync(TestTimeout.Token);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (received.Length < readBeforeTheKill)
        {
            var read = await body.ReadAsync(buffer, TestTimeout.Token);
            Assert.That(read, Is.Positive, "the blob ended before the kill");
            received.Write(buffer, 0, read);
        }
        await cluster.Supernode!.KillAsync();
        await body.CopyToAsync(received, TestTimeout.Token);
        var gets = (await registry.AccessLogAsync(TestTimeout.Token)).Where(a => a.Method == "GET" && a.Path.EndsWith("/blobs/" + layer.Digest, StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(received.ToArray(), Is.EqualTo(BlobBytes(image, layer.Digest)), "the client did not get the blob");
            Assert.That(gets.Select(g => g.Status), Is.EquivalentTo(new[] { 200, 206 }), "the seed's request, then the peer's for the rest");
            Assert.That(gets.Single(g => g.Status == 206).BytesWritten, Is.LessThanOrEqualTo(layer.Size - readBeforeTheKill), "the peer asked the registry again for bytes it held");
        });
    }

    [Test]
    public async Task SupernodeForgedThePiecesBeforeTheLast_ResponseStopsShortOfACompleteWrongBlob_AndTheNextIsTheBlob()
    {
        const int pieceSize = 1 << 20;
        var registry = await StartRegistryAsync("open");
        var image = await PushImageAsync(registry, "demo/app", [3 * pieceSize + 1000]);
        var layer = image.Layers[0];
        var blob = BlobBytes(image, layer.Digest);
        var liar = Own(await LyingSupernode.StartAsync(blob.Length, pieceSize, Forged(blob, pieceSize, layer.Digest)));
        // The last piece can never check out against the liar's chain: the peer gives the swarm up after 2 s without progress.
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host, "--download:stallTimeout", "00:00:02", "--download:pieceTimeout", "00:00:01"],
            startSupernode: false, supernodeAddress: liar.Address);
        var url = $"http://{cluster.Peers[0].MirrorAddress}/v2/demo/app/blobs/{layer.Digest}?ns={registry.Host}";

        var first = Assert.ThrowsAsync<HttpRequestException>(() => GetAsync(url), "the response should stop short: its first bytes were the liar's");
        using var second = await GetAsync(url);
        var secondBytes = await second.Content.ReadAsByteArrayAsync(TestTimeout.Token);
        await cluster.Peers[0].Process.DisposeAsync(); // stop it and close its log, so every line is on disk

        Assert.Multiple(() =>
        {
            Assert.That(first!.InnerException, Is.InstanceOf<IOException>(), "the response should break off, not end as if complete");
            Assert.That(liar.PieceRequests, Is.GreaterThanOrEqualTo(4), "the peer should have taken the forged pieces, which check out against the liar's chain");
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(secondBytes, Is.EqualTo(blob), "the next client did not get the blob");
            var log = File.ReadAllText(cluster.Peers[0].Process.LogPath);
            Assert.That(log, Does.Contain($"have digest sha256:").And.Contain($"expected {layer.Digest}); fetching it whole"));
            Assert.That(log, Does.Contain("started over from the source after 3145728 bytes were sent"));
        });
    }

    /// <summary>
    /// Pieces of other bytes than the blob's, described with the chain of those bytes (so each checks out against the
    /// description before it), except the last: the blob's own bytes, described with the blob's digest as the layout asks.
    /// </summary>
    private static (PieceInfo Info, byte[] Bytes)[] Forged(byte[] blob, int pieceSize, string digest)
    {
        var layout = new PieceLayout(blob.Length, pieceSize);
        var forged = RandomNumberGenerator.GetBytes(blob.Length);
        var pieces = new (PieceInfo, byte[])[layout.PieceCount];
        var state = PieceDigest.Initial;
        for (var n = 0; n < layout.PieceCount; n++)
        {
            var (offset, size) = ((int)layout.OffsetOf(n), layout.SizeOf(n));
            var last = n == layout.PieceCount - 1;
            var bytes = (last ? blob : forged)[offset..(offset + size)];
            if (last)
            {
                state = PieceDigest.Final(Digest.Parse(digest));
            }
            else
            {
                using var chain = Sha256Chain.Resume(state, offset);
                chain.Append(bytes);
                state = chain.Midstate();
            }
            pieces[n] = (new PieceInfo { Number = n, Offset = offset, Size = size, Digest = state.ToString() }, bytes);
        }
        return pieces;
    }
}
