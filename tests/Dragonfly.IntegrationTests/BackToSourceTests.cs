using Dragonfly.IntegrationTests.Reliability;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>
/// The only supernode dies mid-download: the peer finishes from the source, keeping the pieces P2P gave it, and a
/// client reading the download as it arrives goes on without a break.
/// </summary>
public sealed class BackToSourceTests : ClusterFixture
{
    private const long Size = 48L << 20;
    private const long HeldBeforeTheKill = 8L << 20;

    [Test]
    public async Task SupernodeLostMidTask_PeerFinishesFromTheSource_WritingOnlyThePiecesItLacked()
    {
        var (cluster, expected, watched) = await StartAndKillMidTaskAsync(pinned: false);

        var end = await watched.WaitForEndAsync(TestTimeout.Token);

        Assert.That(end?.Done, Is.True, "the download did not complete");
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(watched.Output), Is.EqualTo(expected), "the output differs from the source");
            Assert.That(end!.Traffic.FromSeed, Is.GreaterThanOrEqualTo(HeldBeforeTheKill));
            Assert.That(end.Traffic.FromSeed + end.Traffic.FromSource, Is.EqualTo(Size), "pieces held from the seed were fetched and written again");
            // Nothing but the source's whole content proves the rest is the same version when no digest is pinned.
            Assert.That(cluster.Origin.Ranges, Is.EqualTo(new string?[] { null, null }), "the seed's request, then the peer's");
        });
    }

    [Test]
    public async Task SupernodeLostMidTask_PinnedDigest_PeerAsksTheSourceOnlyForTheRest()
    {
        var (cluster, expected, watched) = await StartAndKillMidTaskAsync(pinned: true);

        var end = await watched.WaitForEndAsync(TestTimeout.Token);

        Assert.That(end?.Done, Is.True, "the download did not complete");
        await watched.Peer.Process.DisposeAsync(); // stop it and close its log, so every line is on disk
        var ranges = cluster.Origin.Ranges;
        Assert.That(ranges, Has.Count.EqualTo(2), "the seed's request, then the peer's");
        var resumedAt = ByteRangeStart(ranges[1]);
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(watched.Output), Is.EqualTo(expected), "the output differs from the source");
            Assert.That(ranges[1], Is.EqualTo($"bytes={resumedAt}-{Size - 1}"), "the peer should ask for the rest only");
            Assert.That(resumedAt, Is.GreaterThanOrEqualTo(HeldBeforeTheKill), "the peer asked again for bytes it held");
            Assert.That(end!.Traffic.FromSeed + end.Traffic.FromSource, Is.EqualTo(Size), "pieces held from the seed were fetched and written again");
            Assert.That(File.ReadAllText(watched.Peer.Process.LogPath), Does.Contain($"asking from byte {resumedAt}"));
        });
    }

    /// <summary>
    /// One supernode, one peer, a slow origin (so the kill lands mid-task); returns once the peer's watched download
    /// holds <see cref="HeldBeforeTheKill"/> bytes and the supernode is dead.
    /// </summary>
    private async Task<(LocalCluster.LocalCluster Cluster, string Expected, WatchedDownload Watched)> StartAndKillMidTaskAsync(bool pinned)
    {
        var path = Path.Combine(OriginRoot, "blob.bin");
        var expected = TestFiles.WriteRandom(path, Size);
        var cluster = await StartClusterAsync(peers: 1, originRateLimit: 12L << 20);
        var peer = cluster.Peers[0];
        var watched = Own(new WatchedDownload(peer, cluster.Origin.UrlOf("blob.bin").ToString(), Output("out"), pinned ? "sha256:" + expected : null));
        Assert.That(await watched.WaitForBytesAsync(HeldBeforeTheKill, TestTimeout.Token), Is.True, "the download ended before it held 8 MiB");
        Assert.That(watched.Last!.CompletedBytes, Is.LessThan(Size), "the peer finished before the kill; the test would prove nothing");
        await cluster.Supernode!.KillAsync();
        return (cluster, expected, watched);
    }

    private static long ByteRangeStart(string? range) =>
        range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) ? long.Parse(range["bytes=".Length..range.IndexOf('-')]) : -1;
}
