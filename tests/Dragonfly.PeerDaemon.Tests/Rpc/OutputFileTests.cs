using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.Storage;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Rpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dragonfly.PeerDaemon.Tests.Rpc;

/// <summary>
/// The dfget output is filled while the download runs; these check what a user sees of it: nothing until the
/// content is verified whole, then exactly the content, and nothing at all after a failure.
/// </summary>
public sealed class OutputFileTests
{
    private const int PieceSize = 64 * 1024;
    private string _root = "";
    private string _outputs = "";
    private ContentStore _store = null!;

    [SetUp]
    public void CreateDirectories()
    {
        _root = Directory.CreateTempSubdirectory("dragonfly-output-").FullName;
        _outputs = Directory.CreateDirectory(Path.Combine(_root, "out")).FullName;
        _store = new ContentStore(new ContentStoreOptions { Directory = Path.Combine(_root, "data") }, NullLogger<ContentStore>.Instance);
    }

    [TearDown]
    public void RemoveDirectories() => Directory.Delete(_root, recursive: true);

    [Test]
    public async Task WhileTheDownloadRuns_NothingIsVisible_ThenTheOutputIsTheWholeContent()
    {
        var data = RandomNumberGenerator.GetBytes(4 * PieceSize + 100);
        var (task, content, completion) = NewTask("a", data.Length);
        var output = Path.Combine(_outputs, "file");
        await using var file = OutputFile.Start(task, output, CancellationToken.None);

        await WritePiecesAsync(task, content, data, 0, 4); // all but the last piece

        Assert.That(Directory.GetFileSystemEntries(_outputs), Is.Empty, "a half-written output (or a temporary file) is visible");
        await WritePiecesAsync(task, content, data, 4, 5);
        await content.CompleteAsync(data.Length, Digest.Compute(data).ToString(), CancellationToken.None);
        completion.SetResult(DownloadOutcome.Success(content));
        await file.CommitAsync(content, CancellationToken.None);

        Assert.That(await File.ReadAllBytesAsync(output), Is.EqualTo(data));
        Assert.That(Directory.GetFileSystemEntries(_outputs), Is.EqualTo(new[] { output }), "only the output is left");
    }

    [Test]
    public async Task FailedDownload_LeavesNothingBehind()
    {
        var data = RandomNumberGenerator.GetBytes(3 * PieceSize);
        var (task, content, completion) = NewTask("b", data.Length);
        var output = Path.Combine(_outputs, "file");
        await using (OutputFile.Start(task, output, CancellationToken.None))
        {
            await WritePiecesAsync(task, content, data, 0, 2);
            completion.SetResult(DownloadOutcome.Failure(DownloadErrorKind.SourceFailed, "the origin went away"));
        }

        Assert.That(Directory.GetFileSystemEntries(_outputs), Is.Empty);
    }

    [Test]
    public async Task ExistingOutput_IsReplacedWhole()
    {
        var data = RandomNumberGenerator.GetBytes(2 * PieceSize);
        var output = Path.Combine(_outputs, "file");
        await File.WriteAllBytesAsync(output, RandomNumberGenerator.GetBytes(5 * PieceSize));
        var (task, content, completion) = NewTask("c", data.Length);
        await using var file = OutputFile.Start(task, output, CancellationToken.None);

        await WritePiecesAsync(task, content, data, 0, 2);
        await content.CompleteAsync(data.Length, Digest.Compute(data).ToString(), CancellationToken.None);
        completion.SetResult(DownloadOutcome.Success(content));
        await file.CommitAsync(content, CancellationToken.None);

        Assert.That(await File.ReadAllBytesAsync(output), Is.EqualTo(data));
    }

    [Test]
    public void OutputInAMissingPlace_IsAClearError()
    {
        var (task, _, _) = NewTask("d", PieceSize);
        var output = Path.Combine(_outputs, "gone", "file");

        var error = Assert.Throws<RpcException>(() => OutputFile.Start(task, output, CancellationToken.None));

        Assert.That(error!.Status.Detail, Does.Contain("cannot write " + output));
    }

    [Test]
    public async Task ReaderThatSentBytes_StopsWhenTheContentIsReplaced_AndTheOutputIsTheNewContentWhole()
    {
        // The download dropped its content mid-way and started over (what it held did not match the source): the
        // bytes already sent came from the first content, and the rest of the second could be another version.
        var first = RandomNumberGenerator.GetBytes(2 * PieceSize);
        var second = RandomNumberGenerator.GetBytes(2 * PieceSize);
        var (task, content, completion) = NewTask("e", first.Length);
        var output = Path.Combine(_outputs, "file");
        await using var file = OutputFile.Start(task, output, CancellationToken.None);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0)); // never blocks the reader under test
        var copying = PeerTaskReader.CopyAsync(task, 0, first.Length, pipe.Writer, CancellationToken.None);

        await WritePiecesAsync(task, content, first, 0, 1);
        var read = await pipe.Reader.ReadAtLeastAsync(PieceSize); // the first piece went out from the first content
        pipe.Reader.AdvanceTo(read.Buffer.End);
        var replacement = Replace(task, content, second.Length);
        await WritePiecesAsync(task, replacement, second, 0, 2);
        await replacement.CompleteAsync(second.Length, Digest.Compute(second).ToString(), CancellationToken.None);
        completion.SetResult(DownloadOutcome.Success(replacement));
        var result = await copying;
        await file.CommitAsync(replacement, CancellationToken.None);
        var written = await File.ReadAllBytesAsync(output);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error?.Kind, Is.EqualTo(DownloadErrorKind.ContentReplaced));
            Assert.That(result.Error?.Message, Does.Contain("after 65536 bytes were sent"));
            Assert.That(result.Written, Is.EqualTo(PieceSize), "bytes of the new content went out after bytes of the old");
            Assert.That(written, Is.EqualTo(second), "the output mixes the two contents");
        });
    }

    [Test]
    public async Task ReaderThatSentNothing_GoesOnWithTheReplacement()
    {
        var first = RandomNumberGenerator.GetBytes(2 * PieceSize);
        var second = RandomNumberGenerator.GetBytes(2 * PieceSize);
        var (task, content, completion) = NewTask("f", first.Length);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var copying = PeerTaskReader.CopyAsync(task, 0, first.Length, pipe.Writer, CancellationToken.None);

        var replacement = Replace(task, content, second.Length);
        await WritePiecesAsync(task, replacement, second, 0, 2);
        await replacement.CompleteAsync(second.Length, Digest.Compute(second).ToString(), CancellationToken.None);
        completion.SetResult(DownloadOutcome.Success(replacement));
        var result = await copying;
        await pipe.Writer.CompleteAsync();
        var sent = await pipe.Reader.ReadAtLeastAsync(second.Length + 1);

        Assert.Multiple(() =>
        {
            Assert.That(result.Error, Is.Null);
            Assert.That(sent.Buffer.ToArray(), Is.EqualTo(second));
        });
    }

    /// <summary>What a download that starts over does: drops the content and attaches a new one.</summary>
    private StoredContent Replace(PeerTask task, StoredContent content, long length)
    {
        content.Discard();
        var replacement = _store.GetOrCreate(task.TaskId);
        replacement.SetLayout(length, PieceSize);
        task.Attach(replacement);
        return replacement;
    }

    private (PeerTask Task, StoredContent Content, TaskCompletionSource<DownloadOutcome> Completion) NewTask(string name, long length)
    {
        var id = new ContentKey("http://origin/" + name).ToTaskId();
        var task = new PeerTask(id, "peer-" + name, TimeProvider.System);
        var completion = new TaskCompletionSource<DownloadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        task.Completion = completion.Task;
        var content = _store.GetOrCreate(id);
        content.SetLayout(length, PieceSize);
        task.Attach(content);
        task.SetContentLength(length);
        return (task, content, completion);
    }

    private static async Task WritePiecesAsync(PeerTask task, StoredContent content, byte[] data, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            var offset = (long)k * PieceSize;
            var bytes = data.AsMemory((int)offset, (int)Math.Min(PieceSize, data.Length - offset));
            await content.WritePieceAsync(new Piece(k, offset, bytes.Length, PieceDigest.Final(Digest.Compute(bytes.Span))), bytes, CancellationToken.None);
            task.AddCompleted(bytes.Length);
        }
    }
}
