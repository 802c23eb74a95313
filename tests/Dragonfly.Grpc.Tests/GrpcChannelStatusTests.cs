using System.Net;
using System.Net.Sockets;
using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Grpc.Tests;

/// <summary>How failures travel: handler statuses, limits, unknown methods and HTTP-level errors.</summary>
[TestFixture]
public sealed class GrpcChannelStatusTests : GrpcServerFixture
{
    private static readonly StatusCode[] NonOkCodes = Enum.GetValues<StatusCode>().Where(c => c != StatusCode.OK).ToArray();

    [TestCaseSource(nameof(NonOkCodes))]
    public void UnaryAsync_HandlerThrowsRpcException_ClientSeesCodeAndNonAsciiMessage(StatusCode code)
    {
        const string message = "fehlgeschlagen: ä ✓ 100% \r\n 你好";

        var ex = Assert.ThrowsAsync<RpcException>(() =>
            Channel.UnaryAsync(EchoMethods.Fail, new FailRequest { Code = (int)code, Message = message }, Bounded()));

        Assert.That(ex.Status, Is.EqualTo(new Status(code, message)));
    }

    [Test]
    public void UnaryAsync_HandlerSetsTrailersAndFails_TrailersTravelWithTheStatus()
    {
        var headers = new Metadata { { "x-echo", "trailer-value" } };

        var ex = Assert.ThrowsAsync<RpcException>(() =>
            Channel.UnaryAsync(EchoMethods.Fail, new FailRequest { Code = (int)StatusCode.NotFound, Message = "gone" }, Bounded(headers)));

        Assert.That(ex.Trailers.GetValue("x-echo"), Is.EqualTo("trailer-value"));
    }

    [Test]
    public void UnaryAsync_HandlerThrowsPlainException_UnknownWithGenericMessageAndExceptionLogged()
    {
        var request = new FailRequest { Code = EchoService.ThrowPlainExceptionCode, Message = "secret internals" };

        var ex = Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoMethods.Fail, request, Bounded()));

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Unknown));
            Assert.That(ex.Status.Detail, Does.Not.Contain("secret"));
            Assert.That(
                Server.Logs.Entries.Where(e => e.Level == LogLevel.Error).Select(e => e.Exception?.Message),
                Does.Contain("secret internals"));
        });
    }

    [Test]
    public void UnaryAsync_UnknownMethod_Unimplemented()
    {
        var ex = Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoMethods.Missing, new EchoRequest(), Bounded()));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
    }

    [Test]
    public void UnaryAsync_RequestAboveServerLimit_ResourceExhausted()
    {
        var request = new EchoRequest { Text = new string('x', GrpcTestServer.MaxMessageSize + 1) };

        var ex = Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoMethods.Unary, request, Bounded()));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
    }

    [Test]
    public void UnaryAsync_ResponseAboveClientLimit_ResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });

        var ex = Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = new string('x', 2048) }, Bounded()));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
    }

    [Test]
    public void UnaryAsync_RequestAboveClientSendLimit_ResourceExhaustedBeforeSending()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address, new GrpcChannelOptions { MaxSendMessageSize = 16 });

        var ex = Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = new string('x', 64) }, Bounded()));

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(Server.Probe.LastUnaryContext.Task.IsCompleted, Is.False);
        });
    }

    [Test]
    public async Task DuplexStreaming_RequestAboveClientSendLimit_WriteFailsWithResourceExhausted()
    {
        using var channel = GrpcChannel.ForAddress(Server.Address, new GrpcChannelOptions { MaxSendMessageSize = 16 });
        using var call = channel.DuplexStreaming(EchoMethods.Bidi, Bounded());

        await call.RequestStream.WriteAsync(new EchoRequest { Text = "small" });
        var ex = Assert.ThrowsAsync<RpcException>(() => call.RequestStream.WriteAsync(new EchoRequest { Text = new string('x', 64) }));

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
        });
    }

    [TestCase(HttpStatusCode.NotFound, StatusCode.Unimplemented)]
    [TestCase(HttpStatusCode.ServiceUnavailable, StatusCode.Unavailable)]
    [TestCase(HttpStatusCode.Unauthorized, StatusCode.Unauthenticated)]
    [TestCase(HttpStatusCode.Forbidden, StatusCode.PermissionDenied)]
    [TestCase(HttpStatusCode.BadRequest, StatusCode.Internal)]
    [TestCase(HttpStatusCode.InternalServerError, StatusCode.Unknown)]
    public void UnaryAsync_HttpErrorWithoutGrpcStatus_MapsPerGrpcSpec(HttpStatusCode httpStatus, StatusCode expected)
    {
        var method = new Method<EchoRequest, EchoReply>(
            MethodType.Unary, "test.Http", ((int)httpStatus).ToString(System.Globalization.CultureInfo.InvariantCulture), EchoRequest.Parser, EchoReply.Parser);

        var ex = Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(method, new EchoRequest(), Bounded()));

        Assert.That(ex.StatusCode, Is.EqualTo(expected));
    }

    [Test]
    public void UnaryAsync_NothingListening_Unavailable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port}"));

        var ex = Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(EchoMethods.Unary, new EchoRequest(), Bounded()));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Unavailable));
    }
}
