using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>What a user sees from dfget when things go wrong: an exit code per kind of failure, one clear line, no output file.</summary>
public sealed class DfgetTests : ClusterFixture
{
    [Test]
    public async Task SourceSaysNotFound_Exit4_NoOutput()
    {
        var cluster = await StartClusterAsync(peers: 1);

        var result = await cluster.DfgetAsync(cluster.Peers[0], cluster.Origin.UrlOf("missing.bin"), Output("out"), cancellationToken: TestTimeout.Token);

        Assert.That(result.ExitCode, Is.EqualTo(4), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("404"));
        Assert.That(File.Exists(Output("out")), Is.False);
    }

    [Test]
    public async Task WrongDigest_Exit7_NoOutput()
    {
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), 6 * 1024 * 1024);
        var cluster = await StartClusterAsync(peers: 1);
        var wrong = "sha256:" + new string('0', 64);

        var result = await cluster.DfgetAsync(cluster.Peers[0], cluster.Origin.UrlOf("blob.bin"), Output("out"), ["--digest", wrong], TestTimeout.Token);

        Assert.That(result.ExitCode, Is.EqualTo(7), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("digest").And.Contain(wrong));
        Assert.That(File.Exists(Output("out")), Is.False, "content that fails its digest must never appear as the output");
        Assert.That(Directory.GetFiles(WorkDir, ".out.dfget-*"), Is.Empty, "no temporary output left behind");
    }

    [Test]
    public async Task RightDigest_Succeeds()
    {
        var hex = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), 6 * 1024 * 1024);
        var cluster = await StartClusterAsync(peers: 1);

        var result = await cluster.DfgetAsync(cluster.Peers[0], cluster.Origin.UrlOf("blob.bin"), Output("out"), ["--digest", "sha256:" + hex], TestTimeout.Token);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(result.Summary!.TaskId, Is.EqualTo(hex), "a digest is the task id");
    }

    [Test]
    public async Task DaemonNotRunning_Exit3_SaysSo()
    {
        var result = await Dfget.RunAsync("127.0.0.1:1", "http://127.0.0.2:1/x", Output("out"), [], TestTimeout.Token);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("cannot reach the peer daemon"));
    }

    [TestCase("ftp://host/file", new string[0], "not an absolute http or https URL")]
    [TestCase("http://host/file", new[] { "--digest", "md5:abc" }, "only sha256")]
    [TestCase("http://host/file", new[] { "--limit", "fast" }, "--limit 'fast' is not a rate")]
    [TestCase("http://host/file", new[] { "--header", "NoColon" }, "is not 'Name: value'")]
    public async Task BadArguments_Exit2_SaysWhatIsWrong(string url, string[] extra, string expected)
    {
        var result = await Dfget.RunAsync("127.0.0.1:1", url, Output("out"), extra, TestTimeout.Token);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain(expected));
    }

    [Test]
    public async Task OutputDirectoryMissing_Exit2_BeforeDownloading()
    {
        TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob.bin"), 1024);
        var cluster = await StartClusterAsync(peers: 1);

        var result = await cluster.DfgetAsync(cluster.Peers[0], cluster.Origin.UrlOf("blob.bin"), Path.Combine(WorkDir, "no-such-dir", "out"), cancellationToken: TestTimeout.Token);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("does not exist"));
        Assert.That(cluster.Origin.Requests, Is.Zero);
    }

    [Test]
    public async Task AuthorizationHeader_ReachesTheSourceThroughTheSeed_AndIsRequired()
    {
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "private.bin"), 5 * 1024 * 1024);
        var cluster = await StartClusterAsync(peers: 1);
        cluster.Origin.RequiredAuthorization = "Bearer s3cret";
        var url = cluster.Origin.UrlOf("private.bin");

        var denied = await cluster.DfgetAsync(cluster.Peers[0], url, Output("denied"), cancellationToken: TestTimeout.Token);
        var allowed = await cluster.DfgetAsync(cluster.Peers[0], url, Output("allowed"), ["--header", "Authorization: Bearer s3cret"], TestTimeout.Token);

        Assert.That(denied.ExitCode, Is.EqualTo(5), denied.StandardError);
        Assert.That(denied.StandardError, Does.Contain("401"));
        Assert.That(File.Exists(Output("denied")), Is.False);
        Assert.That(allowed.ExitCode, Is.Zero, allowed.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(TestFiles.Sha256Of(Output("allowed")), Is.EqualTo(expected));
            Assert.That(allowed.Summary!.FromSeed, Is.EqualTo(5 * 1024 * 1024), "the seed fetched it, so it forwarded the header");
            Assert.That(allowed.Summary.FromSource, Is.Zero);
        });
    }
}
