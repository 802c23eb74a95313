using System.IO.Pipelines;
using Dragonfly.Grpc.Protocol;
using Dragonfly.Grpc.Tests.Interop;
using Dragonfly.Grpc.Tests.Support;

namespace Dragonfly.Grpc.Tests.Protocol;

[TestFixture]
public sealed class GrpcFrameReaderTests
{
    private const int Limit = 1024;

    [Test]
    public async Task ReadMessageAsync_TwoFramesInOneWriteOnOpenStream_ReadsBothWithoutWaitingForMoreData()
    {
        var pipe = new Pipe();
        byte[] frames = [.. Frame("one"), .. Frame("two")];
        await pipe.Writer.WriteAsync(frames);

        var first = await ReadAsync(pipe.Reader);
        var second = await ReadAsync(pipe.Reader);
        await pipe.Writer.CompleteAsync();
        var end = await ReadAsync(pipe.Reader);

        Assert.Multiple(() =>
        {
            Assert.That(first?.Text, Is.EqualTo("one"));
            Assert.That(second?.Text, Is.EqualTo("two"));
            Assert.That(end, Is.Null);
        });
    }

    [Test]
    public async Task ReadMessageAsync_FrameSplitAcrossWrites_Reassembles()
    {
        var pipe = new Pipe();
        var frame = Frame("split across writes");
        var read = ReadAsync(pipe.Reader);

        foreach (var b in frame)
        {
            await pipe.Writer.WriteAsync(new[] { b });
        }

        await pipe.Writer.CompleteAsync();

        Assert.That((await read)?.Text, Is.EqualTo("split across writes"));
    }

    [Test]
    public async Task ReadMessageAsync_EmptyMessage_ReadsDefaultMessage()
    {
        var reader = await PipeWithAsync([0, 0, 0, 0, 0]);

        Assert.That(await ReadAsync(reader), Is.EqualTo(new EchoRequest()));
    }

    [Test]
    public async Task ReadMessageAsync_StreamEndsMidFrame_InternalIncompleteMessage()
    {
        var reader = await PipeWithAsync(Frame("cut")[..^1]);

        var ex = Assert.ThrowsAsync<RpcException>(() => ReadAsync(reader));

        Assert.That(ex.Status.Detail, Does.StartWith("Incomplete message"));
    }

    [Test]
    public async Task ReadMessageAsync_CompressedFlag_Internal()
    {
        var reader = await PipeWithAsync([1, 0, 0, 0, 0]);

        var ex = Assert.ThrowsAsync<RpcException>(() => ReadAsync(reader));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.Internal));
    }

    [Test]
    public async Task ReadMessageAsync_LengthAboveLimit_ResourceExhaustedBeforePayloadArrives()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0x04, 0x01 }); // 1025 bytes announced, none sent

        var ex = Assert.ThrowsAsync<RpcException>(() => ReadAsync(pipe.Reader));

        Assert.That(ex.StatusCode, Is.EqualTo(StatusCode.ResourceExhausted));
    }

    private static byte[] Frame(string text) => RawGrpcClient.Frame(new EchoRequest { Text = text });

    private static async Task<PipeReader> PipeWithAsync(byte[] bytes)
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes);
        await pipe.Writer.CompleteAsync();
        return pipe.Reader;
    }

    private static async Task<EchoRequest?> ReadAsync(PipeReader reader)
    {
        using var timeout = new CancellationTokenSource(EchoProbe.WaitLimit);
        return await GrpcFrameReader.ReadMessageAsync(reader, EchoRequest.Parser, Limit, timeout.Token);
    }
}
