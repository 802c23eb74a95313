using System.Net;
using System.Security.Cryptography;
using Dragonfly.Core;

namespace Dragonfly.Transfer.Tests;

public sealed class SourceFetchTests
{
    private static readonly SourceRetryPolicy Quick = new() { FirstDelay = TimeSpan.FromMilliseconds(1) };
    private static readonly Dictionary<string, string> NoHeaders = [];
    private HttpClient Client = null!;

    [OneTimeSetUp]
    public void CreateClient() => Client = SourceRequests.CreateClient();

    [OneTimeTearDown]
    public void DisposeClient() => Client.Dispose();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private Task<SourceFetch> OpenAsync(ScriptedSource source, List<string>? retries = null) =>
        SourceFetch.OpenAsync(Client, new ContentKey(source.Url.ToString()), NoHeaders, Quick, TimeProvider.System, retries is null ? null : retries.Add, Timeout);

    [Test]
    public async Task Body_ConnectionResetMidBody_ResumesFromTheByteItBrokeAt()
    {
        var content = RandomNumberGenerator.GetBytes(1 << 20);
        await using var source = await ScriptedSource.StartAsync();
        source.ThenResetAfter(content, 300_000).ThenRest(content);

        using var fetch = await OpenAsync(source);
        using var read = new MemoryStream();
        var readBeforeReset = 0L;
        var buffer = new byte[16 * 1024];
        int count;
        while ((count = await fetch.Body.ReadAsync(buffer, Timeout)) > 0)
        {
            read.Write(buffer, 0, count);
            readBeforeReset = source.Requests.Count == 1 ? read.Length : readBeforeReset;
        }

        Assert.Multiple(() =>
        {
            Assert.That(read.ToArray(), Is.EqualTo(content), "the bytes before and after the reset, each once");
            // A reset discards what the client had not read yet: the resume starts where the reading stopped.
            Assert.That(source.Requests.Select(r => r.Range.ToString()), Is.EqualTo(new[] { "", $"bytes={readBeforeReset}-{content.Length - 1}" }));
        });
    }

    [Test]
    public async Task Body_SourceAnswersTheResumeWithTheWholeContent_FailsRatherThanMixingVersions()
    {
        var content = RandomNumberGenerator.GetBytes(1 << 20);
        await using var source = await ScriptedSource.StartAsync();
        // The validator no longer matches: the source sends its new content whole.
        source.ThenResetAfter(content, 300_000, etag: "\"v1\"").ThenWhole(RandomNumberGenerator.GetBytes(1 << 20));

        using var fetch = await OpenAsync(source);

        Assert.That(async () => await fetch.Body.CopyToAsync(Stream.Null, Timeout),
            Throws.InstanceOf<IOException>().With.Message.Contains("content changed"));
        Assert.That(source.Requests.Last().IfRange.ToString(), Is.EqualTo("\"v1\""), "the resume names the version it continues");
    }

    [Test]
    public async Task Body_ConnectionKeepsBreakingWithoutProgress_GivesUpAfterThePolicysAttempts()
    {
        var content = RandomNumberGenerator.GetBytes(1 << 20);
        await using var source = await ScriptedSource.StartAsync();
        source.ThenResetAfter(content, 300_000);
        for (var i = 0; i < 5; i++)
        {
            source.Then(context => { context.Abort(); return Task.CompletedTask; });
        }

        using var fetch = await OpenAsync(source);

        Assert.That(async () => await fetch.Body.CopyToAsync(Stream.Null, Timeout),
            Throws.InstanceOf<IOException>().With.Message.Contains($"gave up after {Quick.MaxAttempts} tries"));
        Assert.That(source.Requests, Has.Count.EqualTo(Quick.MaxAttempts), "the first request and the resumes, no more");
    }

    [Test]
    public async Task Open_TransientStatus_AskedAgain()
    {
        var content = RandomNumberGenerator.GetBytes(1000);
        await using var source = await ScriptedSource.StartAsync();
        source.ThenStatus(503).ThenWhole(content);
        var retries = new List<string>();

        using var fetch = await OpenAsync(source, retries);

        Assert.Multiple(() =>
        {
            Assert.That(fetch.Response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(fetch.Attempts, Is.EqualTo(2));
            Assert.That(retries, Has.Count.EqualTo(1).And.Some.Contains("503"));
        });
    }

    [Test]
    public async Task Open_SourceAlwaysUnavailable_ReturnsItsLastAnswerAfterThePolicysAttempts()
    {
        await using var source = await ScriptedSource.StartAsync();
        source.ThenStatus(503).ThenStatus(503).ThenStatus(503).ThenStatus(503);

        using var fetch = await OpenAsync(source);

        Assert.That(fetch.Response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(fetch.Attempts, Is.EqualTo(Quick.MaxAttempts));
        Assert.That(source.Requests, Has.Count.EqualTo(Quick.MaxAttempts));
    }

    [TestCase(404)]
    [TestCase(401)]
    [TestCase(403)]
    public async Task Open_PermanentStatus_NotAskedAgain(int status)
    {
        await using var source = await ScriptedSource.StartAsync();
        source.ThenStatus(status).ThenStatus(200);

        using var fetch = await OpenAsync(source);

        Assert.That((int)fetch.Response.StatusCode, Is.EqualTo(status));
        Assert.That(source.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void Open_NothingListens_ThrowsSayingHowOftenItTried()
    {
        var key = new ContentKey("http://127.0.0.1:1/blob");

        Assert.That(async () => await SourceFetch.OpenAsync(Client, key, NoHeaders, Quick, TimeProvider.System, null, Timeout),
            Throws.InstanceOf<HttpRequestException>().With.Message.Contains($"tried {Quick.MaxAttempts} times"));
    }

    [TestCase(1, null, 500)]
    [TestCase(2, null, 1000)]
    [TestCase(5, null, 5000)]
    [TestCase(1, 3000, 3000)]
    [TestCase(1, 60000, 5000)]
    public void DelayAfter_DoublesUpToTheCap_AndHonoursRetryAfterWithinIt(int failures, int? retryAfterMs, int expectedMs)
    {
        var retryAfter = retryAfterMs is { } ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;

        Assert.That(SourceRetryPolicy.Default.DelayAfter(failures, retryAfter), Is.EqualTo(TimeSpan.FromMilliseconds(expectedMs)));
    }
}
