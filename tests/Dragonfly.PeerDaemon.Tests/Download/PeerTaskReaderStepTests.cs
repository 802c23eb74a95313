using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.Storage;
using Dragonfly.PeerDaemon.Download;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.PeerDaemon.Tests.Download;

/// <summary>
/// How much a response reader asks of the response pipe per step: large steps while few responses are being
/// sent (fast), small ones once many are (memory held per client stays small and off the large-object heap).
/// </summary>
public sealed class PeerTaskReaderStepTests
{
    private const int PieceSize = 256 * 1024;
    private string _root = "";
    private ContentStore _store = null!;

    [SetUp]
    public void CreateStore()
    {
        _root = Directory.CreateTempSubdirectory("dragonfly-reader-").FullName;
        _store = new ContentStore(new ContentStoreOptions { Directory = _root }, NullLogger<ContentStore>.Instance);
    }

    [TearDown]
    public void RemoveStore() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task ALoneResponse_IsSentInLargeSteps()
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize);
        var task = await HeldTaskAsync("lone", data);
        var writer = new RecordingWriter();

        var result = await PeerTaskReader.CopyAsync(task, 0, data.Length, writer, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(writer.Bytes(), Is.EqualTo(data));
            Assert.That(writer.Hints, Has.All.EqualTo(PeerTaskReader.LargeChunkSize));
        });
    }

    [Test]
    public async Task BeyondTheLargeStepReaders_ANewResponseUsesSmallSteps_AndLargeAgainOnceTheyAreGone()
    {
        var data = RandomNumberGenerator.GetBytes(2 * PieceSize);
        var task = await HeldTaskAsync("crowded", data);
        var waiting = NewTask("never-arrives", data.Length);
        using var stop = new CancellationTokenSource();
        var others = Enumerable.Range(0, PeerTaskReader.LargeChunkReaders)
            .Select(_ => PeerTaskReader.CopyAsync(waiting, 0, data.Length, new RecordingWriter(), stop.Token))
            .ToArray();
        var crowded = new RecordingWriter();

        var result = await PeerTaskReader.CopyAsync(task, 0, data.Length, crowded, CancellationToken.None);
        await stop.CancelAsync();
        foreach (var other in others)
        {
            Assert.That(async () => await other, Throws.InstanceOf<OperationCanceledException>());
        }
        var alone = new RecordingWriter();
        await PeerTaskReader.CopyAsync(task, 0, data.Length, alone, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(crowded.Bytes(), Is.EqualTo(data));
            Assert.That(crowded.Hints, Has.All.EqualTo(PeerTaskReader.DefaultChunkSize));
            Assert.That(alone.Hints, Has.All.EqualTo(PeerTaskReader.LargeChunkSize));
        });
    }

    private async Task<PeerTask> HeldTaskAsync(string name, byte[] data)
    {
        var task = NewTask(name, data.Length);
        var content = task.Content!;
        for (var number = 0; number * PieceSize < data.Length; number++)
        {
            var bytes = data.AsMemory(number * PieceSize, Math.Min(PieceSize, data.Length - number * PieceSize));
            await content.WritePieceAsync(new Piece(number, (long)number * PieceSize, bytes.Length, PieceDigest.Final(Digest.Compute(bytes.Span))), bytes, CancellationToken.None);
        }
        await content.CompleteAsync(data.Length, Digest.Compute(data).ToString(), CancellationToken.None);
        task.Completion = Task.FromResult(DownloadOutcome.Success(content));
        return task;
    }

    private PeerTask NewTask(string name, long length)
    {
        var id = new ContentKey("http://origin/" + name).ToTaskId();
        var task = new PeerTask(id, "peer-" + name, TimeProvider.System);
        task.Completion = new TaskCompletionSource<DownloadOutcome>().Task;
        var content = _store.GetOrCreate(id);
        content.SetLayout(length, PieceSize);
        task.Attach(content);
        task.SetContentLength(length);
        return task;
    }

    /// <summary>A pipe writer that never blocks and records the size asked for at each step.</summary>
    private sealed class RecordingWriter : PipeWriter
    {
        private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: 0));

        public List<int> Hints { get; } = [];

        public byte[] Bytes()
        {
            _pipe.Writer.Complete();
            _pipe.Reader.TryRead(out var read);
            var bytes = read.Buffer.ToArray();
            _pipe.Reader.AdvanceTo(read.Buffer.End);
            return bytes;
        }

        public override void Advance(int bytes) => _pipe.Writer.Advance(bytes);

        public override void CancelPendingFlush() => _pipe.Writer.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => _pipe.Writer.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _pipe.Writer.FlushAsync(cancellationToken);

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            Hints.Add(sizeHint);
            return _pipe.Writer.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            Hints.Add(sizeHint);
            return _pipe.Writer.GetSpan(sizeHint);
        }
    }
}
