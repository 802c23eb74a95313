using Dragonfly.Grpc.Protocol;
using Dragonfly.Grpc.Server;
using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Grpc.Tests;

/// <summary>
/// The dispatcher against a request whose stream fails the way Kestrel fails a stream the client reset: the
/// body read or the response write throws at once, while <see cref="HttpContext.RequestAborted"/> is cancelled
/// later on the thread pool (here: not at all). Deterministic stand-ins for a race the real server loses rarely.
/// </summary>
[TestFixture]
public sealed class ServerCallDispatcherTests
{
    private const string MethodName = "/interop.v1.Echo/Bidi";

    [Test]
    public async Task HandleAsync_RequestBodyFailsWithIOException_HandlerSeesTokenCancelledAndNoErrorIsLogged()
    {
        var context = NewContext(new FailingStream(EchoFrame("a")), new MemoryStream());
        bool? cancelledAtFailure = null;
        var registrationRan = false;
        var (dispatcher, logs) = NewDispatcher(async call =>
        {
            using var registration = call.Context.CancellationToken.Register(() => registrationRan = true);
            var reader = call.CreateReader(EchoRequest.Parser);
            Assert.That(await reader.MoveNext(), Is.True);
            try
            {
                await reader.MoveNext();
            }
            catch (IOException)
            {
                cancelledAtFailure = call.Context.CancellationToken.IsCancellationRequested;
                throw;
            }
        });

        await dispatcher.HandleAsync(context);

        Assert.Multiple(() =>
        {
            Assert.That(cancelledAtFailure, Is.True, "the handler's token when its read failed");
            Assert.That(registrationRan, Is.True, "a registration on the call token ran before the handler returned");
            Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message), Is.Empty);
            Assert.That(logs.Entries.Select(e => e.Message), Has.Some.Contains("was cancelled by the client"));
            Assert.That(context.Response.Headers.ContainsKey(GrpcProtocol.StatusHeader), Is.False, "no status is written to a gone client");
        });
    }

    [Test]
    public async Task HandleAsync_ResponseWriteFailsWithIOException_HandlerSeesTokenCancelledAndNoErrorIsLogged()
    {
        var context = NewContext(new MemoryStream(EchoFrame("a")), new FailingStream([]));
        bool? cancelledAtFailure = null;
        var (dispatcher, logs) = NewDispatcher(async call =>
        {
            try
            {
                await call.CreateWriter<EchoReply>().WriteAsync(new EchoReply { Text = "a" });
            }
            catch (IOException)
            {
                cancelledAtFailure = call.Context.CancellationToken.IsCancellationRequested;
                throw;
            }
        });

        await dispatcher.HandleAsync(context);

        Assert.Multiple(() =>
        {
            Assert.That(cancelledAtFailure, Is.True, "the handler's token when its write failed");
            Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => e.Message), Is.Empty);
            Assert.That(logs.Entries.Select(e => e.Message), Has.Some.Contains("was cancelled by the client"));
        });
    }

    [Test]
    public async Task HandleAsync_MalformedFrame_HandlerTokenNotCancelledAndStatusWritten()
    {
        // A protocol error is the client's fault but not its absence: the call ends with a status it can read.
        var context = NewContext(new MemoryStream([0, 0, 0, 0, 5, 1]), new MemoryStream());
        bool? cancelledAtFailure = null;
        var (dispatcher, _) = NewDispatcher(async call =>
        {
            try
            {
                await call.CreateReader(EchoRequest.Parser).MoveNext();
            }
            catch (RpcException)
            {
                cancelledAtFailure = call.Context.CancellationToken.IsCancellationRequested;
                throw;
            }
        });

        await dispatcher.HandleAsync(context);

        Assert.Multiple(() =>
        {
            Assert.That(cancelledAtFailure, Is.False);
            Assert.That(context.Response.Headers[GrpcProtocol.StatusHeader].ToString(), Is.EqualTo(((int)StatusCode.Internal).ToString()));
        });
    }

    private static (ServerCallDispatcher Dispatcher, CapturingLoggerProvider Logs) NewDispatcher(Func<ServerCall, Task> body)
    {
        var logs = new CapturingLoggerProvider();
        var logger = logs.CreateLogger("Dragonfly.Grpc");
        return (new ServerCallDispatcher(MethodName, body, new GrpcServerOptions(), TimeProvider.System, logger), logs);
    }

    private static DefaultHttpContext NewContext(Stream requestBody, Stream responseBody)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Protocol = "HTTP/2";
        context.Request.Path = MethodName;
        context.Request.ContentType = GrpcProtocol.ContentType;
        context.Request.Body = requestBody;
        context.Response.Body = responseBody;
        return context;
    }

    private static byte[] EchoFrame(string text) => GrpcFrameWriter.CreateFrame(new EchoRequest { Text = text }, maxMessageSize: null);

    /// <summary>Serves its bytes, then fails every read and write as a reset stream does.</summary>
    private sealed class FailingStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == bytes.Length)
            {
                throw new IOException("The client reset the request stream.");
            }

            var n = Math.Min(count, bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count) =>
            throw new IOException("The client reset the request stream.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
