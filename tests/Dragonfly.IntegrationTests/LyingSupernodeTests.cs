using System.Security.Cryptography;
using Dragonfly.Core.Pieces;
using Dragonfly.LocalCluster;
using Dragonfly.Protocol.V1;

namespace Dragonfly.IntegrationTests;

/// <summary>
/// A supernode whose piece descriptions contradict the content's layout: the peer must neither write its pieces
/// where it says nor wait on pieces it can never start, but go to the source at once and deliver the source's bytes.
/// </summary>
public sealed class LyingSupernodeTests : ClusterFixture
{
    private const int PieceSize = 1024 * 1024;
    private const int Size = 3 * PieceSize + 1000;

    public enum Lie
    {
        /// <summary>The content as it is: every description fits its layout.</summary>
        None,

        /// <summary>The same bytes cut 64 bytes early, the middle pieces described at the layout's offsets: the chain holds.</summary>
        ShiftedPieces,

        /// <summary>Piece 1 of 4 carries the content's digest, so piece 2 could never start.</summary>
        ContentDigestOnAMiddlePiece,

        /// <summary>The last piece carries a chaining value, so the content could never be checked.</summary>
        LastPieceWithAChainingValue,
    }

    [TestCase(Lie.ShiftedPieces, "piece 0 is described as 1048512 bytes at offset 0, but")]
    [TestCase(Lie.ContentDigestOnAMiddlePiece, "piece 1 of 4 is described with the whole content")]
    [TestCase(Lie.LastPieceWithAChainingValue, "the last piece (3) is described with a chaining value")]
    public async Task PiecesContradictTheLayout_PeerFetchesNoneAndGoesToTheSourceAtOnce(Lie lie, string reason)
    {
        var path = Path.Combine(OriginRoot, "blob.bin");
        var expected = TestFiles.WriteRandom(path, Size);
        var liar = Own(await LyingSupernode.StartAsync(Size, PieceSize, Script(lie, File.ReadAllBytes(path))));
        // Ten minutes without progress before the swarm is given up: a peer that waited on the liar would outlast the test.
        var cluster = await StartClusterAsync(peers: 1, startSupernode: false, supernodeAddress: liar.Address,
            peerArgs: ["--download:stallTimeout", "00:10:00"]);
        var peer = cluster.Peers[0];

        var result = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf("blob.bin"), Output("out"), cancellationToken: TestTimeout.Token);
        await peer.Process.DisposeAsync(); // stop it and close its log, so every line is on disk

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(Output("out")), Is.EqualTo(expected), "the peer delivered other bytes than the source's");
            Assert.That(result.Summary!.FromSource, Is.EqualTo(Size), "every byte should have come from the source");
            Assert.That(liar.PieceRequests, Is.Zero, "the peer fetched pieces the supernode described against the layout");
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1));
            Assert.That(File.ReadAllText(peer.Process.LogPath), Does.Contain("contradict the content's layout: " + reason),
                "the log should say why the peer went to the source");
        });
    }

    [Test]
    public async Task ContentDigestOtherThanThePinnedOne_PeerFetchesNoneAndGoesToTheSourceAtOnce()
    {
        var path = Path.Combine(OriginRoot, "blob.bin");
        var expected = TestFiles.WriteRandom(path, Size);
        var other = File.ReadAllBytes(path);
        other[0] ^= 1;
        // Another content, described consistently: every piece would check out, and the last give the other's digest.
        var liar = Own(await LyingSupernode.StartAsync(Size, PieceSize, Script(Lie.None, other)));
        var cluster = await StartClusterAsync(peers: 1, startSupernode: false, supernodeAddress: liar.Address,
            peerArgs: ["--download:stallTimeout", "00:10:00"]);
        var peer = cluster.Peers[0];

        var result = await cluster.DfgetAsync(peer, cluster.Origin.UrlOf("blob.bin"), Output("out"), ["--digest", "sha256:" + expected], TestTimeout.Token);
        await peer.Process.DisposeAsync();

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(Output("out")), Is.EqualTo(expected));
            Assert.That(result.Summary!.FromSource, Is.EqualTo(Size), "every byte should have come from the source");
            Assert.That(liar.PieceRequests, Is.Zero, "the peer fetched pieces of content it did not ask for");
            Assert.That(cluster.Origin.Requests, Is.EqualTo(1));
            Assert.That(File.ReadAllText(peer.Process.LogPath), Does.Contain($"the supernode describes the content's digest as sha256:{Convert.ToHexStringLower(SHA256.HashData(other))}, but the download asks for sha256:{expected}"));
        });
    }

    /// <summary>What the liar describes for <paramref name="lie"/>, and the bytes it serves for each piece's range.</summary>
    private static (PieceInfo Info, byte[] Bytes)[] Script(Lie lie, byte[] content)
    {
        var layout = new PieceLayout(content.Length, PieceSize);
        int[] ends = lie == Lie.ShiftedPieces
            ? [PieceSize - 64, 2 * PieceSize - 64, 3 * PieceSize - 64, content.Length]
            : Enumerable.Range(0, layout.PieceCount).Select(n => (int)(layout.OffsetOf(n) + layout.SizeOf(n))).ToArray();
        var pieces = new (PieceInfo, byte[])[ends.Length];
        var state = PieceDigest.Initial;
        var start = 0;
        for (var n = 0; n < ends.Length; n++)
        {
            var bytes = content[start..ends[n]];
            using var chain = Sha256Chain.Resume(state, start);
            chain.Append(bytes);
            var digest = n == ends.Length - 1 ? PieceDigest.Final(chain.Finish()) : chain.Midstate();
            state = digest;
            // The shifted pieces between the first and the last are described where the layout puts them, not where
            // their bytes are; the last is described where it is, so that the chain still ends in the content's digest.
            var described = lie == Lie.ShiftedPieces && n > 0 && n < ends.Length - 1 ? layout.OffsetOf(n) : start;
            pieces[n] = (new PieceInfo { Number = n, Offset = described, Size = bytes.Length, Digest = digest.ToString() }, bytes);
            start = ends[n];
        }
        var last = pieces.Length - 1;
        switch (lie)
        {
            case Lie.ContentDigestOnAMiddlePiece:
                pieces[1].Item1.Digest = pieces[last].Item1.Digest;
                break;
            case Lie.LastPieceWithAChainingValue:
                pieces[last].Item1.Digest = pieces[last - 1].Item1.Digest;
                break;
        }
        return pieces;
    }
}
