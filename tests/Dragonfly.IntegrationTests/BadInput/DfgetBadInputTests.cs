using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// The real dfget through the real daemon with hostile output paths and URLs: a non-zero exit code and one clear
/// line, and nothing written anywhere but the one file asked for (no temporary file left, no file behind a link).
/// </summary>
[TestFixture]
[Category("BadInput")]
public sealed class DfgetBadInputTests : SharedClusterFixture
{
    private string _dir = "";

    [SetUp]
    public void CreateOutputDirectory()
    {
        _dir = Path.Combine(WorkDir, "out-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
    }

    private Uri HeldUrl => Cluster.Origin.UrlOf("held.bin");

    private Task<DfgetResult> DfgetAsync(string url, string output, string? workingDirectory = null, params string[] extra) =>
        Dfget.RunAsync(Peer.ApiAddress, url, output, extra, Timeout, workingDirectory);

    [Test]
    public async Task OutputWithDotSegments_WrittenAtTheNormalizedPathOnly()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "a", "b"));

        var result = await DfgetAsync(HeldUrl.AbsoluteUri, Path.Combine(_dir, "a", "b", "..", "..", "out.bin"));

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(FilesUnder(_dir), Is.EquivalentTo(new[] { "out.bin" }));
        Assert.That(TestFiles.Sha256Of(Path.Combine(_dir, "out.bin")), Is.EqualTo(TestFiles.Sha256Of(Path.Combine(WorkDir, "origin", "held.bin"))));
    }

    [Test]
    public async Task RelativeOutput_ResolvedAgainstDfgetsWorkingDirectory()
    {
        var cwd = Path.Combine(_dir, "cwd");
        Directory.CreateDirectory(Path.Combine(cwd, "sub"));

        var result = await DfgetAsync(HeldUrl.AbsoluteUri, "sub/../rel.bin", cwd);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.That(FilesUnder(_dir), Is.EquivalentTo(new[] { Path.Combine("cwd", "rel.bin") }));
    }

    [Test]
    public async Task OutputIsALinkToAFileElsewhere_TheLinkIsReplacedAndItsTargetUntouched()
    {
        var target = Path.Combine(WorkDir, "precious-" + Guid.NewGuid().ToString("N")[..6]);
        await File.WriteAllTextAsync(target, "keep me");
        var link = Path.Combine(_dir, "link.bin");
        File.CreateSymbolicLink(link, target);

        var result = await DfgetAsync(HeldUrl.AbsoluteUri, link);

        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(target), Is.EqualTo("keep me"), "dfget wrote through the link");
            Assert.That(new FileInfo(link).LinkTarget, Is.Null, "the output is now a regular file");
            Assert.That(new FileInfo(link).Length, Is.EqualTo(HeldLength));
        });
    }

    [Test]
    public async Task OutputInTheDaemonsDataDirectory_Exit2AndCacheUntouched()
    {
        var cached = Path.Combine(PeerDataDir, HeldTaskId[..2], HeldTaskId, "data");
        var before = TestFiles.Sha256Of(cached);

        var result = await DfgetAsync(HeldUrl.AbsoluteUri + "?again", cached);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("data directory"));
        Assert.That(TestFiles.Sha256Of(cached), Is.EqualTo(before));
    }

    [Test]
    public async Task OutputWhoseParentIsAFile_Exit2()
    {
        var file = Path.Combine(_dir, "plain-file");
        await File.WriteAllTextAsync(file, "x");

        var result = await DfgetAsync(HeldUrl.AbsoluteUri, Path.Combine(file, "out.bin"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("does not exist"));
        Assert.That(FilesUnder(_dir), Is.EquivalentTo(new[] { "plain-file" }));
    }

    [Test]
    public async Task OutputIsADirectory_Exit2()
    {
        var result = await DfgetAsync(HeldUrl.AbsoluteUri, _dir);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("is a directory"));
        Assert.That(FilesUnder(_dir), Is.Empty);
    }

    [TestCase("file:///etc/passwd")]
    [TestCase("ftp://127.0.0.2/held.bin")]
    [TestCase("gopher://127.0.0.2/held.bin")]
    [TestCase("http:/held.bin")]
    [TestCase("held.bin")]
    // dfget itself died on this one with an unhandled IndexOutOfRangeException from Uri.TryCreate (found by the fuzz run).
    [TestCase("file://\u202e")]
    public async Task UrlWithBadScheme_Exit2AndNothingWritten(string url)
    {
        var result = await DfgetAsync(url, Path.Combine(_dir, "out.bin"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("not an absolute http or https URL"));
        Assert.That(FilesUnder(_dir), Is.Empty);
    }

    [Test]
    public async Task UnreachableUrl_Exit6SayingWhyAndNothingWritten()
    {
        var result = await DfgetAsync("http://127.0.0.1:1/nothing-listens-here", Path.Combine(_dir, "out.bin"));

        Assert.That(result.ExitCode, Is.EqualTo(6), result.StandardError);
        Assert.That(result.StandardError, Does.Contain("127.0.0.1:1"));
        Assert.That(FilesUnder(_dir), Is.Empty, "neither the output nor a temporary file");
    }

    private static string[] FilesUnder(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f)).ToArray();
}
