using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;

namespace Dragonfly.Grpc.Tests;

/// <summary>Every call shape, C# client against the C# server on a real Kestrel.</summary>
[TestFixture]
public sealed class GrpcChannelCallTests : GrpcServerFixture
{
    [Test]
    public async Task UnaryAsync_NonAsciiText_EchoesText()
    {
        var reply = await Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "héllo ✓ 你好" }, Bounded());

        Assert.That(reply.Text, Is.EqualTo("héllo ✓ 你好"));
    }

    [Test]
    public async Task UnaryAsync_HeadersAndDeadline_ServerCallContextReflectsThem()
    {
        var headers = new Metadata { { "X-Echo", "value-1" } };
        var deadline = DateTime.UtcNow.AddSeconds(30);

        await Channel.UnaryAsync(EchoMethods.Unary, new EchoRequest { Text = "a" }, new CallOptions(headers, deadline));
        var context = await Server.Probe.LastUnaryContext.Task.WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(context.Method, Is.EqualTo("/interop.v1.Echo/Unary"));
            Assert.That(context.Peer, Does.Match(@"^ipv4:127\.0\.0\.1:\d+$"));
            Assert.That(context.RequestHeaders.GetValue("x-echo"), Is.EqualTo("value-1"));
            Assert.That(context.RequestHeaders.GetValue("grpc-timeout"), Is.Null, "protocol headers are not metadata");
            Assert.That(context.Deadline, Is.EqualTo(deadline).Within(TimeSpan.FromSeconds(2)));
        });
    }

    [Test]
    public async Task ServerStreaming_CountThree_ReadsRepliesInOrderThenOkStatusAndTrailers()
    {
        var headers = new Metadata { { "x-echo", "streamed" } };
        using var call = Channel.ServerStreaming(EchoMethods.ServerStream, new StreamRequest { Text = "item", Count = 3 }, Bounded(headers));

        var replies = await call.ResponseStream.ReadAllAsync().Select(r => (r.Text, r.Index)).ToListAsync();

        Assert.Multiple(() =>
        {
            Assert.That(replies, Is.EqualTo(new[] { ("item-0", 0), ("item-1", 1), ("item-2", 2) }));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
            Assert.That(call.GetTrailers().GetValue("x-echo"), Is.EqualTo("streamed"));
        });
    }

    [Test]
    public async Task ServerStreaming_CountZero_EndsWithOkAndNoMessages()
    {
        using var call = Channel.ServerStreaming(EchoMethods.ServerStream, new StreamRequest { Text = "x", Count = 0 }, Bounded());

        var more = await call.ResponseStream.MoveNext();

        Assert.Multiple(() =>
        {
            Assert.That(more, Is.False);
            Assert.That(call.GetStatus(), Is.EqualTo(Status.DefaultSuccess));
        });
    }

    [Test]
    public void ServerStreaming_GetStatusWhileRunning_Throws()
    {
        using var call = Channel.ServerStreaming(EchoMethods.ServerStream, new StreamRequest { Text = "x", Count = 1 }, Bounded());

        Assert.That(() => call.GetStatus(), Throws.InvalidOperationException);
    }

    [Test]
    public async Task ClientStreaming_FourNumbers_ReturnsSum()
    {
        using var call = Channel.ClientStreaming(EchoMethods.ClientStream, Bounded());
        foreach (var value in new long[] { 1, 2, 3, 4 })
        {
            await call.RequestStream.WriteAsync(new Number { Value = value });
        }

        await call.RequestStream.CompleteAsync();
        var sum = await call.ResponseAsync;

        Assert.Multiple(() =>
        {
            Assert.That(sum.Total, Is.EqualTo(10));
            Assert.That(sum.Count, Is.EqualTo(4));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
        });
    }

    [Test]
    public async Task ClientStreaming_SlowSender_IsNotCutOffByKestrelsMinimumBodyRate()
    {
        // A peer's piece-report stream goes quiet while pieces download; the server requires 1 KiB/s after 2 s.
        using var call = Channel.ClientStreaming(EchoMethods.ClientStream, Bounded());
        await call.RequestStream.WriteAsync(new Number { Value = 1 });
        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await call.RequestStream.WriteAsync(new Number { Value = 2 });
        await call.RequestStream.CompleteAsync();

        var sum = await call.ResponseAsync;

        Assert.That((sum.Total, sum.Count), Is.EqualTo((3L, 2)));
    }

    [Test]
    public async Task ClientStreaming_NoMessages_ReturnsEmptySum()
    {
        using var call = Channel.ClientStreaming(EchoMethods.ClientStream, Bounded());

        await call.RequestStream.CompleteAsync();
        var sum = await call;

        Assert.That(sum.Count, Is.Zero);
    }

    [Test]
    public async Task ClientStreaming_WriteAfterComplete_Throws()
    {
        using var call = Channel.ClientStreaming(EchoMethods.ClientStream, Bounded());
        await call.RequestStream.CompleteAsync();

        Assert.That(() => call.RequestStream.WriteAsync(new Number { Value = 1 }), Throws.InvalidOperationException);
        await call.ResponseAsync;
    }

    [Test]
    public async Task DuplexStreaming_PingPong_EchoesEachMessageBeforeTheNextIsSent()
    {
        using var call = Channel.DuplexStreaming(EchoMethods.Bidi, Bounded());
        var echoed = new List<string>();

        foreach (var text in new[] { "a", "b", "c" })
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Text = text });
            Assert.That(await call.ResponseStream.MoveNext(), Is.True);
            echoed.Add(call.ResponseStream.Current.Text);
        }

        await call.RequestStream.CompleteAsync();
        var more = await call.ResponseStream.MoveNext();

        Assert.Multiple(() =>
        {
            Assert.That(echoed, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(more, Is.False);
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.OK));
        });
    }

    [Test]
    public async Task DuplexStreaming_ResponseHeadersAsync_CompletesOnceTheServerWrites()
    {
        using var call = Channel.DuplexStreaming(EchoMethods.Bidi, Bounded());
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });

        var headers = await call.ResponseHeadersAsync.WaitAsync(WaitLimit);

        Assert.That(headers.GetValue("grpc-status"), Is.Null);
        await call.RequestStream.CompleteAsync();
        Assert.That(await call.ResponseStream.ReadAllAsync().CountAsync(), Is.EqualTo(1));
    }
}
