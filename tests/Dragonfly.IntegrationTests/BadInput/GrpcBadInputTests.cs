using System.Net;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Google.Protobuf;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// The two gRPC ports of the running system, the supernode's scheduler and the peer daemon's local API, against
/// broken framing and hostile messages sent as raw HTTP/2: each gets a clear gRPC status and message (never
/// UNKNOWN, never a dead process), and afterwards the port still answers a valid call.
/// </summary>
[TestFixture]
[Category("BadInput")]
public sealed class GrpcBadInputTests : SharedClusterFixture
{
    private const int Ok = 0, InvalidArgument = 3, NotFound = 5, FailedPrecondition = 9, ResourceExhausted = 8, Unimplemented = 12, Internal = 13;

    public enum Api
    {
        Scheduler,
        LocalApi,
    }

    private string Address(Api api) => api == Api.Scheduler ? Cluster.SupernodeAddresses[0] : Peer.ApiAddress;

    /// <summary>A method of each service whose request is a single message.</summary>
    private static string MethodPath(Api api) => api == Api.Scheduler ? $"/{SchedulerMethods.ServiceName}/StatTask" : $"/{DaemonMethods.ServiceName}/Download";

    private Task<RawGrpcAnswer> PostAsync(Api api, byte[] body, string? path = null, string contentType = "application/grpc", IReadOnlyDictionary<string, string>? headers = null) =>
        RawGrpcCall.PostAsync(Address(api), path ?? MethodPath(api), body, contentType, headers, Timeout);

    private static IEnumerable<TestCaseData> BrokenFraming()
    {
        var ten = new byte[10];
        yield return new TestCaseData(RawGrpcCall.Frame(ten, declaredLength: 100), Internal, "Incomplete message").SetName("{m}(says 100 bytes, sends 10)");
        yield return new TestCaseData(new byte[] { 0, 0, 0 }, Internal, "Incomplete message").SetName("{m}(3 of 5 header bytes)");
        yield return new TestCaseData(RawGrpcCall.Frame([], declaredLength: 5 * 1024 * 1024), ResourceExhausted, "exceeds the maximum").SetName("{m}(says 5 MiB, sends nothing)");
        yield return new TestCaseData(RawGrpcCall.Frame([], declaredLength: uint.MaxValue), ResourceExhausted, "exceeds the maximum").SetName("{m}(says 4 GiB)");
        yield return new TestCaseData(RawGrpcCall.Frame(new byte[4 * 1024 * 1024 + 1]), ResourceExhausted, "exceeds the maximum").SetName("{m}(sends 4 MiB + 1)");
        yield return new TestCaseData(RawGrpcCall.Frame(ten, flag: 1), Internal, "compress").SetName("{m}(compressed flag without grpc-encoding)");
        yield return new TestCaseData(RawGrpcCall.Frame(ten, flag: 2), Internal, "compressed flag is 2").SetName("{m}(flag 2)");
        yield return new TestCaseData(RawGrpcCall.Frame([0xFF, 0xFF, 0xFF]), Internal, "Failed to parse").SetName("{m}(garbage protobuf)");
        yield return new TestCaseData(RawGrpcCall.Frame([0x0A, 0x7F, 0x41]), Internal, "Failed to parse").SetName("{m}(string field longer than the message)");
        yield return new TestCaseData(Array.Empty<byte>(), Unimplemented, "").SetName("{m}(no message)");
        yield return new TestCaseData((byte[])[.. RawGrpcCall.Frame([]), .. RawGrpcCall.Frame([])], Unimplemented, "").SetName("{m}(two messages to a single-message method)");
    }

    [TestCaseSource(nameof(BrokenFraming))]
    public async Task BrokenFraming_ClearStatus(byte[] body, int status, string message)
    {
        foreach (var api in Enum.GetValues<Api>())
        {
            var answer = await PostAsync(api, body);

            Assert.That(answer.GrpcStatus, Is.EqualTo(status), $"{api}: {answer}");
            Assert.That(answer.GrpcMessage, Does.Contain(message), $"{api}: {answer}");
        }
    }

    [TestCase("application/json", 415)]
    [TestCase("text/plain", 415)]
    [TestCase("application/grpc-web", 415)]
    public async Task WrongContentType_415(string contentType, int httpStatus)
    {
        foreach (var api in Enum.GetValues<Api>())
        {
            var answer = await PostAsync(api, RawGrpcCall.Frame([]), contentType: contentType);

            Assert.That(answer.HttpStatus, Is.EqualTo(httpStatus), $"{api}: {answer}");
            Assert.That(answer.GrpcMessage, Does.Contain("Content-Type"), $"{api}: {answer}");
        }
    }

    [TestCase("grpc-encoding", "gzip", Unimplemented)]
    [TestCase("grpc-timeout", "soon", Internal)]
    [TestCase("grpc-timeout", "99999999999H", Internal)]
    public async Task BadGrpcHeader_ClearStatus(string name, string value, int status)
    {
        foreach (var api in Enum.GetValues<Api>())
        {
            var answer = await PostAsync(api, RawGrpcCall.Frame([]), headers: new Dictionary<string, string> { [name] = value });

            Assert.That(answer.GrpcStatus, Is.EqualTo(status), $"{api}: {answer}");
            Assert.That(answer.GrpcMessage, Does.Contain(name), $"{api}: {answer}");
        }
    }

    [TestCase("/dragonfly.v1.Scheduler/Nope")]
    [TestCase("/dragonfly.v1.Daemon/Nope")]
    [TestCase("/dragonfly.v2.Scheduler/StatTask")]
    [TestCase("/grpc.health.v1.Health/Check")]
    [TestCase("/x")]
    public async Task UnknownServiceOrMethod_Unimplemented(string path)
    {
        foreach (var api in Enum.GetValues<Api>())
        {
            var answer = await PostAsync(api, RawGrpcCall.Frame([]), path: path);

            Assert.That(answer.GrpcStatus, Is.EqualTo(Unimplemented), $"{api}: {answer}");
        }
    }

    [Test]
    public async Task OversizedMetadata_RefusedWithoutHarm()
    {
        foreach (var api in Enum.GetValues<Api>())
        {
            var headers = new Dictionary<string, string> { ["x-filler"] = new string('x', 70 * 1024) };

            // Kestrel refuses header blocks over its 64 KiB limit at the HTTP/2 layer: the stream or the connection is
            // reset before any handler runs, which HttpClient reports as a failed request.
            var refused = Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(api, RawGrpcCall.Frame([]), headers: headers));

            Assert.That(refused!.Message, Is.Not.Empty, api.ToString());
        }
    }

    [Test]
    public async Task Http1RequestToTheH2cPort_400()
    {
        foreach (var api in Enum.GetValues<Api>())
        {
            var answer = await RawHttpRequest.SendAsync(Address(api), "POST", MethodPath(api), ["Content-Type: application/grpc", "Content-Length: 0"], Timeout);

            Assert.That(answer.Status, Is.EqualTo(400), $"{api}: {answer}");
        }
    }

    private static IEnumerable<TestCaseData> BadSchedulerRequests()
    {
        static RegisterPeerTaskRequest Register(Action<RegisterPeerTaskRequest> change)
        {
            var request = new RegisterPeerTaskRequest
            {
                Url = "http://127.0.0.2:1/file",
                PeerId = "bad-input-peer",
                Host = new HostInfo { Id = "bad-input-host", Ip = "127.0.0.99", DownloadPort = 1 },
            };
            change(request);
            return request;
        }
        const string register = "RegisterPeerTask";
        yield return Case(register, Register(r => r.Url = ""), "not an absolute http or https URL", "empty url");
        yield return Case(register, Register(r => r.Url = "ftp://127.0.0.2/file"), "not an absolute http or https URL", "ftp url");
        yield return Case(register, Register(r => r.Url = "file:///etc/passwd"), "not an absolute http or https URL", "file url");
        yield return Case(register, Register(r => r.Url = "/etc/passwd"), "not an absolute http or https URL", "path as url");
        yield return Case(register, Register(r => r.Url = "http://"), "not an absolute http or https URL", "url without host");
        // Uri.TryCreate itself threw on these (found by the fuzz run): the caller got UNKNOWN.
        yield return Case(register, Register(r => r.Url = "//\u202e"), "not an absolute http or https URL", "bidi control after //");
        yield return Case("Preheat", new PreheatRequest { Url = "file://\u202e" }, "not an absolute http or https URL", "preheat bidi file url");
        yield return Case(register, Register(r => r.UrlMeta = new UrlMeta { Digest = "md5:d41d8cd98f00b204e9800998ecf8427e" }), "only sha256", "md5 digest");
        yield return Case(register, Register(r => r.UrlMeta = new UrlMeta { Digest = "sha256:" + new string('A', 64) }), "lowercase hex", "uppercase digest");
        yield return Case(register, Register(r => r.UrlMeta = new UrlMeta { Range = "bytes=9-1" }), "bytes=<first>-<last>", "reversed range");
        yield return Case(register, Register(r => r.UrlMeta = new UrlMeta { Range = "bytes=0-9223372036854775807" }), "bytes=<first>-<last>", "range longer than a long");
        yield return Case(register, Register(r => r.UrlMeta = new UrlMeta { Header = { ["X-Evil"] = "a\r\nHost: elsewhere" } }), "line break", "header with CRLF");
        yield return Case(register, Register(r => r.UrlMeta = new UrlMeta { Header = { ["Bad Name"] = "x" } }), "not a valid HTTP header name", "header name with space");
        yield return Case(register, Register(r => r.TaskId = new string('0', 64)), "does not match", "claimed task id mismatch");
        yield return Case(register, Register(r => r.PeerId = ""), "peer_id", "empty peer id");
        yield return Case(register, Register(r => r.PeerId = new string('p', 300)), "peer_id", "300-character peer id");
        yield return Case(register, Register(r => r.PeerId = "peer\u0000id"), "peer_id", "peer id with NUL");
        yield return Case(register, Register(r => r.Host = null), "host is required", "no host");
        yield return Case(register, Register(r => r.Host.Ip = "not-an-ip"), "host.ip", "host ip not an IP");
        yield return Case(register, Register(r => r.Host.DownloadPort = 0), "host.download_port", "port 0");
        yield return Case(register, Register(r => r.Host.DownloadPort = 70000), "host.download_port", "port 70000");
        yield return Case("StatTask", new StatTaskRequest { TaskId = "../../etc/passwd" }, "task_id", "traversal as task id");
        yield return Case("StatTask", new StatTaskRequest { TaskId = new string('A', 64) }, "task_id", "uppercase task id");
        yield return Case("LeaveTask", new LeaveTaskRequest { TaskId = new string('a', 64), PeerId = "" }, "peer_id", "leave without peer id");
        yield return Case("LeaveHost", new LeaveHostRequest { HostId = "" }, "host_id", "leave without host id");
        yield return Case("AnnounceHost", new AnnounceHostRequest(), "host.id", "announce without host");
        yield return Case("Preheat", new PreheatRequest { Url = "gopher://127.0.0.2/x" }, "not an absolute http or https URL", "preheat gopher url");
        // A message of another type: its field 1 is a varint where StatTask's is a string, so it parses as empty.
        yield return Case("StatTask", new PieceResult { Number = 7 }, "task_id", "message of another type");

        static TestCaseData Case(string method, IMessage request, string message, string name) =>
            new TestCaseData(method, RawGrpcCall.Frame(request), message).SetName($"{{m}}({name})");
    }

    [TestCaseSource(nameof(BadSchedulerRequests))]
    public async Task Scheduler_InvalidFieldValues_InvalidArgumentNamingTheField(string method, byte[] body, string message)
    {
        var answer = await PostAsync(Api.Scheduler, body, path: $"/{SchedulerMethods.ServiceName}/{method}");

        Assert.That(answer.GrpcStatus, Is.EqualTo(InvalidArgument), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain(message));
    }

    [Test]
    public async Task SyncPieces_FirstMessageNotStart_InvalidArgument()
    {
        var body = RawGrpcCall.Frame(new PieceReport { Piece = new PieceResult { Number = 0, Success = true } });

        var answer = await PostAsync(Api.Scheduler, body, path: $"/{SchedulerMethods.ServiceName}/SyncPieces");

        Assert.That(answer.GrpcStatus, Is.EqualTo(InvalidArgument), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain("must be `start`"));
    }

    [Test]
    public async Task SyncPieces_UnregisteredPeer_FailedPrecondition()
    {
        var body = RawGrpcCall.Frame(new PieceReport { Start = new SyncStart { TaskId = HeldTaskId, PeerId = "never-registered" } });

        var answer = await PostAsync(Api.Scheduler, body, path: $"/{SchedulerMethods.ServiceName}/SyncPieces");

        Assert.That(answer.GrpcStatus, Is.EqualTo(FailedPrecondition), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain("RegisterPeerTask first"));
    }

    [TestCase(-1)]
    [TestCase(int.MinValue)]
    public async Task SyncPieces_NegativePieceNumber_InvalidArgument(int number)
    {
        var peerId = "bad-input-reporter-" + Guid.NewGuid().ToString("N")[..6];
        var register = new RegisterPeerTaskRequest
        {
            Url = Cluster.Origin.UrlOf("held.bin").AbsoluteUri,
            PeerId = peerId,
            Host = new HostInfo { Id = "bad-input-reporter", Ip = "127.0.0.99", DownloadPort = 1 },
        };
        var registered = await PostAsync(Api.Scheduler, RawGrpcCall.Frame(register), path: $"/{SchedulerMethods.ServiceName}/RegisterPeerTask");
        Assert.That(registered.GrpcStatus, Is.EqualTo(Ok), registered.ToString());
        byte[] body =
        [
            .. RawGrpcCall.Frame(new PieceReport { Start = new SyncStart { TaskId = HeldTaskId, PeerId = peerId } }),
            .. RawGrpcCall.Frame(new PieceReport { Piece = new PieceResult { Number = number, Success = true, ParentId = "x" } }),
        ];

        var answer = await PostAsync(Api.Scheduler, body, path: $"/{SchedulerMethods.ServiceName}/SyncPieces");

        Assert.That(answer.GrpcStatus, Is.EqualTo(InvalidArgument), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain("piece number"));
    }

    private static IEnumerable<TestCaseData> BadDownloadRequests()
    {
        static DownloadRequest Download(Action<DownloadRequest> change)
        {
            var request = new DownloadRequest { Url = "http://127.0.0.2:1/file", Output = "/tmp/dragonfly-bad-input-never-written" };
            change(request);
            return request;
        }
        yield return Case(Download(r => r.Url = ""), "not an absolute http or https URL", "empty url");
        yield return Case(Download(r => r.Url = "file:///etc/passwd"), "not an absolute http or https URL", "file url");
        yield return Case(Download(r => r.Url = "ftp://127.0.0.2/x"), "not an absolute http or https URL", "ftp url");
        yield return Case(Download(r => r.Url = "javascript:alert(1)"), "not an absolute http or https URL", "javascript url");
        yield return Case(Download(r => r.UrlMeta = new UrlMeta { Digest = "sha256:xyz" }), "64 lowercase hex", "short digest");
        yield return Case(Download(r => r.UrlMeta = new UrlMeta { Header = { ["X"] = "a\nb" } }), "line break", "header with LF");
        yield return Case(Download(r => r.Output = ""), "must be an absolute path", "empty output");
        yield return Case(Download(r => r.Output = "relative/out.bin"), "must be an absolute path", "relative output");
        yield return Case(Download(r => r.Output = "../../etc/cron.d/x"), "must be an absolute path", "relative traversal output");
        yield return Case(Download(r => r.Output = "/"), "is a directory", "root as output");
        yield return Case(Download(r => r.Output = "/tmp/no-such-dir-" + Guid.NewGuid().ToString("N") + "/x"), "does not exist", "missing directory");
        yield return Case(Download(r => r.RateLimit = -1), "rate_limit", "negative rate limit");
        // Both used to throw inside the handler (found by the fuzz runs): the caller got UNKNOWN.
        yield return Case(Download(r => r.Url = "file://\u202e"), "not an absolute http or https URL", "bidi file url");
        yield return Case(Download(r => r.Output = "/tmp/nul\0here"), "control characters", "NUL in the output");

        static TestCaseData Case(DownloadRequest request, string message, string name) =>
            new TestCaseData(RawGrpcCall.Frame(request), message).SetName($"{{m}}({name})");
    }

    [TestCaseSource(nameof(BadDownloadRequests))]
    public async Task LocalApi_InvalidDownloadRequest_InvalidArgumentAndNothingWritten(byte[] body, string message)
    {
        var answer = await PostAsync(Api.LocalApi, body);

        Assert.That(answer.GrpcStatus, Is.EqualTo(InvalidArgument), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain(message));
        Assert.That(answer.Messages, Is.Empty, "no progress for a refused request");
        Assert.That(File.Exists("/tmp/dragonfly-bad-input-never-written"), Is.False);
    }

    [TestCase("{data}/{shard}/{task}/data")]
    [TestCase("{data}/new-file")]
    [TestCase("{data}/../peer1-data/{shard}/{task}/data")]
    public async Task LocalApi_OutputInsideTheDaemonsDataDirectory_InvalidArgumentAndCacheUntouched(string output)
    {
        // Writing there would let any local caller replace verified content under the piece server's feet.
        var cached = Path.Combine(PeerDataDir, HeldTaskId[..2], HeldTaskId, "data");
        var before = await File.ReadAllBytesAsync(cached, Timeout);
        var target = output.Replace("{data}", PeerDataDir).Replace("{shard}", HeldTaskId[..2]).Replace("{task}", HeldTaskId);
        var request = new DownloadRequest { Url = Cluster.Origin.UrlOf("held.bin").AbsoluteUri + "?other", Output = target };

        var answer = await PostAsync(Api.LocalApi, RawGrpcCall.Frame(request));

        Assert.That(answer.GrpcStatus, Is.EqualTo(InvalidArgument), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain("data directory"));
        Assert.That(await File.ReadAllBytesAsync(cached, Timeout), Is.EqualTo(before), "the cached content changed");
        Assert.That(File.Exists(Path.Combine(PeerDataDir, "new-file")), Is.False);
    }

    [Test]
    public async Task LocalApi_OutputThroughALinkIntoTheDataDirectory_InvalidArgumentAndCacheUntouched()
    {
        var cached = Path.Combine(PeerDataDir, HeldTaskId[..2], HeldTaskId, "data");
        var before = await File.ReadAllBytesAsync(cached, Timeout);
        var link = Path.Combine(WorkDir, "innocent-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateSymbolicLink(link, Path.GetDirectoryName(cached)!);
        var request = new DownloadRequest { Url = Cluster.Origin.UrlOf("held.bin").AbsoluteUri + "?via-link", Output = Path.Combine(link, "data") };

        var answer = await PostAsync(Api.LocalApi, RawGrpcCall.Frame(request));

        Assert.That(answer.GrpcStatus, Is.EqualTo(InvalidArgument), answer.ToString());
        Assert.That(answer.GrpcMessage, Does.Contain("data directory"));
        Assert.That(await File.ReadAllBytesAsync(cached, Timeout), Is.EqualTo(before), "the cached content changed");
    }

    [TearDown]
    public async Task BothApisStillAnswerAsync()
    {
        var stat = await PostAsync(Api.Scheduler, RawGrpcCall.Frame(new StatTaskRequest { TaskId = HeldTaskId }));
        Assert.That(stat.GrpcStatus, Is.EqualTo(Ok), $"the scheduler no longer answers: {stat}");
        var unknown = await PostAsync(Api.Scheduler, RawGrpcCall.Frame(new StatTaskRequest { TaskId = new string('0', 64) }));
        Assert.That(unknown.GrpcStatus, Is.EqualTo(NotFound), unknown.ToString());
        var refused = await PostAsync(Api.LocalApi, RawGrpcCall.Frame(new DownloadRequest { Url = "http://127.0.0.2:1/x", Output = "relative" }));
        Assert.That(refused.GrpcStatus, Is.EqualTo(InvalidArgument), $"the local API no longer answers: {refused}");
    }
}
