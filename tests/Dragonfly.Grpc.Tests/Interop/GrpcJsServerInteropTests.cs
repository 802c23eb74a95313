using System.Text.Json;
using Dragonfly.Grpc.Tests.Support;

namespace Dragonfly.Grpc.Tests.Interop;

/// <summary>Our client against a real gRPC server: grpc-js (interop/server.js) serving the same interop.proto.</summary>
[TestFixture]
public sealed class GrpcJsServerInteropTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private NodeProcess? _server;
    private GrpcChannel _channel = null!;

    [OneTimeSetUp]
    public async Task StartGrpcJsServerAsync()
    {
        NodeInterop.EnsureInstalled();
        _server = NodeProcess.Start("server.js");
        var line = await _server.ReadLineAsync(WaitLimit);
        Assert.That(line, Is.Not.Null, $"server.js exited before listening. stderr:{Environment.NewLine}{_server.StandardError}");
        var port = JsonDocument.Parse(line!).RootElement.GetProperty("port").GetInt32();
        _channel = GrpcChannel.ForAddress(new Uri($"http://127.0.0.1:{port}"));
    }

    [OneTimeTearDown]
    public void StopGrpcJsServer()
    {
        _channel?.Dispose();
        _server?.Dispose();
    }

    [Test]
    public async Task UnaryAsync_GrpcJsServer_EchoesNonAsciiText()
    {
        var reply = await _channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "héllo ✓ 你好" }, Bounded());

        Assert.That(reply.Text, Is.EqualTo("héllo ✓ 你好"));
    }

    [Test]
    public async Task ServerStreaming_GrpcJsServer_ReceivesEveryReplyThenOk()
    {
        using var call = _channel.ServerStreaming(EchoMethods.ServerStream, new StreamRequest { Text = "js", Count = 3 }, Bounded());

        var texts = await call.ResponseStream.ReadAllAsync().Select(r => r.Text).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(texts, Is.EqualTo(new[] { "js-0", "js-1", "js-2" }));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
        });
    }

    [Test]
    public async Task ClientStreaming_GrpcJsServer_ReturnsSum()
    {
        using var call = _channel.ClientStreaming(EchoMethods.ClientStream, Bounded());
        foreach (var value in new long[] { 5, 10, 20 })
        {
            await call.RequestStream.WriteAsync(new Number { Value = value });
        }

        await call.RequestStream.CompleteAsync();
        var sum = await call.ResponseAsync;

        Assert.That((sum.Total, sum.Count), Is.EqualTo((35L, 3)));
    }

    [Test]
    public async Task DuplexStreaming_GrpcJsServer_PingPongEchoes()
    {
        using var call = _channel.DuplexStreaming(EchoMethods.Bidi, Bounded());
        var echoed = new List<string>();
        foreach (var text in new[] { "x", "y", "z" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
            Assert.That(await call.ResponseStream.MoveNext(), Is.True);
            echoed.Add(call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await call.ResponseStream.MoveNext(), Is.False);
            Assert.That(echoed, Is.EqualTo(new[] { "x", "y", "z" }));
        });
    }

    [TestCase(StatusCode.NotFound, "nicht gefunden – ä 100%")]
    [TestCase(StatusCode.PermissionDenied, "denied")]
    [TestCase(StatusCode.Unavailable, "try later")]
    public void UnaryAsync_GrpcJsServerFails_RpcExceptionWithCodeAndMessage(StatusCode code, string message)
    {
        var ex = Assert.ThrowsAsync<RpcException>(() =>
            _channel.UnaryAsync(EchoMethods.Fail, new FailRequest { Code = (int)code, Message = message }, Bounded()));

        Assert.That(ex.Status, Is.EqualTo(new Status(code, message)));
    }

    [Test]
    public void UnaryAsync_GrpcJsServerSlowerThanDeadline_DeadlineExceeded()
    {
        var options = new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300));

        var ex = Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(EchoMethods.Slow, new SlowRequest(), options));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
    }

    [Test]
    public void UnaryAsync_GrpcJsServerUnknownMethod_Unimplemented()
    {
        var ex = Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(EchoMethods.Missing, new EchoRequest(), Bounded()));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Unimplemented));
    }

    private static CallOptions Bounded() => new(Deadline: DateTime.UtcNow + WaitLimit);
}
