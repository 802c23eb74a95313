using System.Net;
using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;
using Google.Protobuf;

namespace Dragonfly.Grpc.Tests;

/// <summary>The server's handling of hand-made HTTP/2 requests: what a broken or foreign client may send.</summary>
[TestFixture]
public sealed class GrpcServerProtocolTests : GrpcServerFixture
{
    private const string UnaryPath = "/interop.v1.Echo/Unary";
    private RawGrpcClient _raw = null!;

    [OneTimeSetUp]
    public void CreateRawClient() => _raw = new RawGrpcClient(Server.Address);

    [OneTimeTearDown]
    public void DisposeRawClient() => _raw.Dispose();

    [Test]
    public async Task Post_ValidUnary_GrpcContentTypeReplyFrameAndOkTrailer()
    {
        var response = await _raw.SendAsync(UnaryPath, RawGrpcClient.Frame(new EchoRequest { Text = "hi" }));

        Assert.Multiple(() =>
        {
            Assert.That(response.HttpStatus, Is.EqualTo(HttpStatusCode.OK), System.Text.Encoding.UTF8.GetString(response.Body));
            Assert.That(response.ContentType, Is.EqualTo("application/grpc"));
            Assert.That(response.GrpcStatus, Is.EqualTo("0"));
            Assert.That(response.GrpcMessage, Is.Null);
            Assert.That(response.Body, Is.EqualTo(RawGrpcClient.Frame(new EchoReply { Text = "hi" })));
        });
    }

    [Test]
    public async Task Post_NonAsciiStatusMessage_PercentEncodedOnTheWire()
    {
        var request = new FailRequest { Code = (int)StatusCode.NotFound, Message = "ä 100%" };

        var response = await _raw.SendAsync("/interop.v1.Echo/Fail", RawGrpcClient.Frame(request));

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("5"));
            Assert.That(response.GrpcMessage, Is.EqualTo("%C3%A4 100%25"));
        });
    }

    [TestCase("application/json")]
    [TestCase("text/plain")]
    [TestCase("application/grpc+json")]
    public async Task Post_NonGrpcContentType_Returns415(string contentType)
    {
        var response = await _raw.SendAsync(UnaryPath, RawGrpcClient.Frame(new EchoRequest()), contentType);

        Assert.That(response.HttpStatus, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Post_GrpcProtoContentType_Accepted()
    {
        var response = await _raw.SendAsync(UnaryPath, RawGrpcClient.Frame(new EchoRequest()), "application/grpc+proto");

        Assert.That(response.GrpcStatus, Is.EqualTo("0"));
    }

    [Test]
    public async Task Get_MappedMethod_Returns405()
    {
        var response = await _raw.SendAsync(UnaryPath, [], method: HttpMethod.Get);

        Assert.That(response.HttpStatus, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task Get_UnknownPath_LeftTo404()
    {
        var response = await _raw.SendAsync("/interop.v1.Echo/Nope", [], method: HttpMethod.Get);

        Assert.Multiple(() =>
        {
            Assert.That(response.HttpStatus, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.GrpcStatus, Is.Null);
        });
    }

    [Test]
    public async Task Post_UnknownMethod_Status12()
    {
        var response = await _raw.SendAsync("/interop.v1.Echo/Nope", RawGrpcClient.Frame(new EchoRequest()));

        Assert.Multiple(() =>
        {
            Assert.That(response.HttpStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.GrpcStatus, Is.EqualTo("12"));
        });
    }

    [Test]
    public async Task Post_UnknownPathWithJsonContentType_LeftTo404()
    {
        var response = await _raw.SendAsync("/some/other/path", [], "application/json");

        Assert.Multiple(() =>
        {
            Assert.That(response.HttpStatus, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(response.GrpcStatus, Is.Null);
        });
    }

    [Test]
    public async Task Post_TruncatedFrame_InternalIncompleteMessage()
    {
        var frame = RawGrpcClient.Frame(new EchoRequest { Text = "truncated" });

        var response = await _raw.SendAsync(UnaryPath, frame[..^3]);

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("13"));
            Assert.That(response.GrpcMessage, Does.Contain("Incomplete message"));
        });
    }

    [Test]
    public async Task Post_TruncatedHeader_InternalIncompleteMessage()
    {
        var response = await _raw.SendAsync(UnaryPath, [0, 0, 0]);

        Assert.That(response.GrpcStatus, Is.EqualTo("13"));
    }

    [Test]
    public async Task Post_CompressedFlag_InternalNamingCompression()
    {
        var response = await _raw.SendAsync(UnaryPath, RawGrpcClient.Frame(new EchoRequest { Text = "z" }, compressedFlag: true));

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("13"));
            Assert.That(response.GrpcMessage, Does.Contain("compress"));
        });
    }

    [Test]
    public async Task Post_GrpcEncodingGzip_UnimplementedAdvertisingIdentity()
    {
        var headers = new Dictionary<string, string> { ["grpc-encoding"] = "gzip" };

        var response = await _raw.SendAsync(UnaryPath, RawGrpcClient.Frame(new EchoRequest()), headers: headers);

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("12"));
            Assert.That(response.GrpcAcceptEncoding, Is.EqualTo("identity"));
        });
    }

    [Test]
    public async Task Post_DeclaredLengthAboveLimit_ResourceExhaustedWithoutTheBody()
    {
        byte[] header = [0, 0x10, 0, 0, 0]; // claims 256 MiB, sends none of it

        var response = await _raw.SendAsync(UnaryPath, header);

        Assert.That(response.GrpcStatus, Is.EqualTo("8"));
    }

    [Test]
    public async Task Post_UnaryWithoutMessage_Unimplemented()
    {
        var response = await _raw.SendAsync(UnaryPath, []);

        Assert.That(response.GrpcStatus, Is.EqualTo("12"));
    }

    [Test]
    public async Task Post_UnaryWithTwoMessages_Unimplemented()
    {
        var frame = RawGrpcClient.Frame(new EchoRequest { Text = "one" });

        var response = await _raw.SendAsync(UnaryPath, [.. frame, .. frame]);

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("12"));
            Assert.That(Server.Probe.LastUnaryContext.Task.IsCompleted, Is.False, "the handler must not run");
        });
    }

    [Test]
    public async Task Post_UnparsableMessage_Internal()
    {
        byte[] garbage = [0, 0, 0, 0, 2, 0xFF, 0xFF];

        var response = await _raw.SendAsync(UnaryPath, garbage);

        Assert.That(response.GrpcStatus, Is.EqualTo("13"));
    }

    [Test]
    public async Task Post_GrpcTimeoutPasses_DeadlineExceededAndHandlerTokenCancelled()
    {
        var headers = new Dictionary<string, string> { ["grpc-timeout"] = "200m" };

        var response = await _raw.SendAsync("/interop.v1.Echo/Slow", RawGrpcClient.Frame(new SlowRequest()), headers: headers);
        await Server.Probe.SlowCancelled.Task.WaitAsync(WaitLimit);

        Assert.That(response.GrpcStatus, Is.EqualTo("4"));
    }

    [Test]
    public async Task Post_GrpcTimeoutPassesWhileHandlerIgnoresToken_StatusSentBeforeHandlerReturns()
    {
        var headers = new Dictionary<string, string> { ["grpc-timeout"] = "200m" };
        var request = new SlowRequest { IgnoreCancellation = true };

        var response = await _raw.SendAsync("/interop.v1.Echo/Slow", RawGrpcClient.Frame(request), headers: headers);
        var handlerFinishedFirst = Server.Probe.SlowFinished.Task.IsCompleted;
        await Server.Probe.SlowCancelled.Task.WaitAsync(WaitLimit);
        Server.Probe.SlowRelease.TrySetResult();
        await Server.Probe.SlowFinished.Task.WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("4"));
            Assert.That(handlerFinishedFirst, Is.False, "the status must not wait for the handler");
        });
    }

    [TestCase("abc")]
    [TestCase("10x")]
    [TestCase("123456789S")]
    public async Task Post_InvalidGrpcTimeout_Internal(string timeout)
    {
        var headers = new Dictionary<string, string> { ["grpc-timeout"] = timeout };

        var response = await _raw.SendAsync(UnaryPath, RawGrpcClient.Frame(new EchoRequest()), headers: headers);

        Assert.That(response.GrpcStatus, Is.EqualTo("13"));
    }

    [Test]
    public async Task Post_ResponseAboveServerSendLimit_ResourceExhaustedAfterEarlierReplies()
    {
        // Request: text (1 + 3 + L) + count (2) = limit - 1. Second reply: text "…-1" (1 + 3 + L + 2) + index (2) = limit + 1.
        var text = new string('x', GrpcTestServer.MaxMessageSize - 7);
        var frame = RawGrpcClient.Frame(new StreamRequest { Text = text, Count = 2 });

        var response = await _raw.SendAsync("/interop.v1.Echo/ServerStream", frame);

        Assert.Multiple(() =>
        {
            Assert.That(response.GrpcStatus, Is.EqualTo("8"));
            Assert.That(response.Body, Has.Length.EqualTo(5 + GrpcTestServer.MaxMessageSize - 1), "only the first reply was sent");
        });
    }
}
