using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;

namespace Dragonfly.Grpc.Tests;

/// <summary>Deadlines and cancellation, seen from both ends of the call.</summary>
[TestFixture]
public sealed class GrpcChannelDeadlineTests : GrpcServerFixture
{
    [Test]
    public async Task UnaryAsync_DeadlinePasses_DeadlineExceededAndServerTokenCancelled()
    {
        var options = new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300));

        var ex = Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoMethods.Slow, new SlowRequest(), options));
        var context = await Server.Probe.SlowStarted.Task.WaitAsync(WaitLimit);
        await Server.Probe.SlowCancelled.Task.WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
            Assert.That(context.Deadline, Is.Not.Null);
        });
    }

    [Test]
    public void UnaryAsync_DeadlineAlreadyPassed_DeadlineExceededWithoutCallingServer()
    {
        var options = new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1));

        var ex = Assert.ThrowsAsync<RpcException>(() => Channel.UnaryAsync(EchoMethods.Slow, new SlowRequest(), options));

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
            Assert.That(Server.Probe.SlowStarted.Task.IsCompleted, Is.False);
        });
    }

    [Test]
    public async Task UnaryAsync_CallerCancels_CancelledAndServerHandlerTokenCancelled()
    {
        using var cts = new CancellationTokenSource();
        var call = Channel.UnaryAsync(EchoMethods.Slow, new SlowRequest(), Bounded(cancellationToken: cts.Token));
        await Server.Probe.SlowStarted.Task.WaitAsync(WaitLimit);

        await cts.CancelAsync();
        var ex = Assert.ThrowsAsync<RpcException>(() => call);
        await Server.Probe.SlowCancelled.Task.WaitAsync(WaitLimit);

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Cancelled));
    }

    [Test]
    public async Task DuplexStreaming_Dispose_ServerHandlerTokenCancelled()
    {
        var call = Channel.DuplexStreaming(EchoMethods.Bidi, Bounded());
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);

        call.Dispose();
        await Server.Probe.BidiCancelled.Task.WaitAsync(WaitLimit);

        Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.Cancelled));
    }

    [Test]
    public async Task DuplexStreaming_ClientResets_HandlerTokenCancelledBeforeItsReadFails()
    {
        var call = Channel.DuplexStreaming(EchoMethods.Bidi, Bounded());
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);

        call.Dispose();
        var tokenCancelledAtFailure = await Server.Probe.BidiReadFailed.Task.WaitAsync(WaitLimit);

        // Kestrel fails the reset stream's body at once but cancels RequestAborted later on the thread pool; a
        // handler that sees the failure must already see its token cancelled, and its registrations must have run.
        Assert.Multiple(() =>
        {
            Assert.That(tokenCancelledAtFailure, Is.True);
            Assert.That(Server.Probe.BidiCancelled.Task.IsCompleted, Is.True);
        });
    }

    [Test]
    public async Task DuplexStreaming_MoveNextTokenCancelled_CallCancelled()
    {
        using var call = Channel.DuplexStreaming(EchoMethods.Bidi, Bounded());
        using var cts = new CancellationTokenSource();
        var moveNext = call.ResponseStream.MoveNext(cts.Token);

        await cts.CancelAsync();
        var ex = Assert.ThrowsAsync<RpcException>(() => moveNext);
        await Server.Probe.BidiCancelled.Task.WaitAsync(WaitLimit);

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Cancelled));
    }

    [Test]
    public async Task DuplexStreaming_DeadlinePassesWhileReading_DeadlineExceededAndServerTokenCancelled()
    {
        using var call = Channel.DuplexStreaming(EchoMethods.Bidi, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(500)));
        await call.RequestStream.WriteAsync(new EchoRequest { Text = "a" });
        Assert.That(await call.ResponseStream.MoveNext(), Is.True);

        var ex = Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        await Server.Probe.BidiCancelled.Task.WaitAsync(WaitLimit);

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
            Assert.That(call.GetStatus().StatusCode, Is.EqualTo(StatusCode.DeadlineExceeded));
        });
    }
}
