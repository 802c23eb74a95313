namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// The HTTP piece server of a peer (upload port) and of the supernode (download port) against hostile requests:
/// traversal and malformed task ids, bad ranges, oversized and malformed headers. Each gets a clear 4xx, never a
/// byte from outside the data directory, and the server goes on serving the held task exactly.
/// </summary>
[TestFixture]
[Category("BadInput")]
public sealed class PieceServerBadInputTests : SharedClusterFixture
{
    private static readonly string Hex64 = new('a', 64);

    public enum Server
    {
        Peer,
        Supernode,
    }

    private string Address(Server server) => server == Server.Peer
        ? $"{Peer.Ip}:{Peer.Process.Port("uploadPort")}"
        : $"{Cluster.SupernodeAddresses[0].Split(':')[0]}:{Supernode.Port("downloadPort")}";

    private static IEnumerable<TestCaseData> BadTargets()
    {
        // Dot segments are removed by Kestrel before routing, so these name no route at all.
        yield return new TestCaseData("/download/../../secret.txt", 404).SetName("{m}(dot segments)");
        yield return new TestCaseData("/download/..%2f..%2fsecret.txt", 400).SetName("{m}(encoded slashes)");
        yield return new TestCaseData("/download/%2e%2e%2f%2e%2e%2fsecret.txt", 400).SetName("{m}(encoded dots and slashes)");
        yield return new TestCaseData("/download/..%5c..%5csecret.txt", 400).SetName("{m}(encoded backslashes)");
        yield return new TestCaseData("/download//etc/passwd", 404).SetName("{m}(absolute path)");
        yield return new TestCaseData("/download/%2fetc%2fpasswd", 400).SetName("{m}(encoded absolute path)");
        yield return new TestCaseData("/download/" + Hex64 + "/../../../secret.txt", 404).SetName("{m}(valid id then dot segments)");
        yield return new TestCaseData("/download/" + Hex64 + "%00", 400).SetName("{m}(NUL after a valid id)");
        yield return new TestCaseData("/download/" + Hex64.ToUpperInvariant(), 400).SetName("{m}(uppercase id)");
        yield return new TestCaseData("/download/" + Hex64[..63], 400).SetName("{m}(63 characters)");
        yield return new TestCaseData("/download/" + Hex64 + "a", 400).SetName("{m}(65 characters)");
        yield return new TestCaseData("/download/sha256:" + Hex64, 400).SetName("{m}(digest instead of id)");
        yield return new TestCaseData("/download/" + new string('g', 64), 400).SetName("{m}(not hex)");
        yield return new TestCaseData("/download/" + new string('a', 4000), 400).SetName("{m}(4000-character id)");
        // Kestrel's request line limit is 8 KiB.
        yield return new TestCaseData("/download/" + new string('a', 20_000), 414).SetName("{m}(20000-character id)");
        yield return new TestCaseData("/download/" + new string('0', 64), 404).SetName("{m}(valid id not held)");
        yield return new TestCaseData("/download/", 404).SetName("{m}(no id)");
        yield return new TestCaseData("/secret.txt", 404).SetName("{m}(file name at the root)");
    }

    [TestCaseSource(nameof(BadTargets))]
    public async Task Get_BadTaskIdOrPath_ClearClientErrorAndNoSecret(string target, int status)
    {
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), "GET", target, cancellationToken: Timeout);

            Assert.That(answer.Status, Is.EqualTo(status), $"{server}: {answer}");
            Assert.That(answer.BodyText, Does.Not.Contain(SecretText), $"{server} returned the secret file");
        }
    }

    [TestCase("bytes=abc", 400)]
    [TestCase("bytes=5-1", 400)]
    [TestCase("bytes=-5", 400)]
    [TestCase("bytes=0-", 400)]
    [TestCase("bytes=0-1,4-5", 400)]
    [TestCase("bytes= 0-1", 400)]
    [TestCase("bytes=+0-1", 400)]
    [TestCase("bytes=0x0-0x10", 400)]
    [TestCase("bytes=0--1", 400)]
    [TestCase("items=0-1", 400)]
    [TestCase("BYTES=0-1", 400)]
    [TestCase("bytes=99999999999999999999-99999999999999999999", 400)]
    [TestCase("bytes=6291456-6291456", 416)]
    [TestCase("bytes=6291455-6291456", 416)]
    [TestCase("bytes=0-9223372036854775807", 400)]
    [TestCase("bytes=1-9223372036854775807", 416)]
    [TestCase("bytes=4194304-9223372036854775807", 416)]
    [TestCase("bytes=9223372036854775807-9223372036854775807", 416)]
    public async Task Get_BadRange_ClearClientError(string range, int status)
    {
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), "GET", "/download/" + HeldTaskId, [$"Range: {range}"], Timeout);

            Assert.That(answer.Status, Is.EqualTo(status), $"{server}: {answer}");
            Assert.That(answer.Header("Content-Type"), Does.StartWith("text/plain"), $"{server} must explain, not send piece bytes");
        }
    }

    [Test]
    public async Task Get_TwoRangeHeaders_400()
    {
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), "GET", "/download/" + HeldTaskId, ["Range: bytes=0-1", "Range: bytes=2-3"], Timeout);

            Assert.That(answer.Status, Is.EqualTo(400), $"{server}: {answer}");
        }
    }

    [Test]
    public async Task Get_OversizedHeader_431()
    {
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), "GET", "/download/" + HeldTaskId, ["X-Filler: " + new string('x', 70 * 1024)], Timeout);

            Assert.That(answer.Status, Is.EqualTo(431), $"{server}: {answer}");
        }
    }

    [Test]
    public async Task Get_TooManyHeaders_431()
    {
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), "GET", "/download/" + HeldTaskId, Enumerable.Range(0, 200).Select(i => $"X-H{i}: {i}"), Timeout);

            Assert.That(answer.Status, Is.EqualTo(431), $"{server}: {answer}");
        }
    }

    [TestCase("Range: bytes=0-1\u0001")]
    [TestCase("Bad Header: x")]
    [TestCase("NoColonAtAll")]
    public async Task Get_MalformedHeaderLine_400(string line)
    {
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), "GET", "/download/" + HeldTaskId, [line], Timeout);

            Assert.That(answer.Status, Is.EqualTo(400), $"{server}: {answer}");
        }
    }

    [TestCase("POST")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task WriteMethods_NotFoundOrNotAllowed(string method)
    {
        // Only GET is mapped; which of the two refusals routing picks is its business, a write is never served.
        foreach (var server in Enum.GetValues<Server>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(server), method, "/download/" + HeldTaskId, ["Content-Length: 0"], Timeout);

            Assert.That(answer.Status, Is.AnyOf(404, 405), $"{server}: {answer}");
        }
    }

    [TearDown]
    public async Task HeldTaskStillServedExactlyAsync()
    {
        var expected = (await File.ReadAllBytesAsync(Path.Combine(WorkDir, "origin", "held.bin"))).AsSpan(4194300, 10).ToArray();
        using var http = new HttpClient();
        foreach (var server in Enum.GetValues<Server>())
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Address(server)}/download/{HeldTaskId}");
            request.Headers.TryAddWithoutValidation("Range", "bytes=4194300-4194309");
            using var response = await http.SendAsync(request, Timeout);
            Assert.That((int)response.StatusCode, Is.EqualTo(206), $"{server} no longer serves the held task");
            Assert.That(await response.Content.ReadAsByteArrayAsync(Timeout), Is.EqualTo(expected), $"{server} served wrong bytes");
        }
    }
}
