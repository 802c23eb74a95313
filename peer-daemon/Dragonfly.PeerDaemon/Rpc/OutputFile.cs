using System.IO.Pipelines;
using Dragonfly.Core.Storage;
using Dragonfly.PeerDaemon.Download;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>
/// A dfget output written while the download runs: verified pieces go, in order, into a temporary file in the
/// output's directory as they arrive (a nameless one where the filesystem supports it), and <see cref="CommitAsync"/>
/// gives it the output's name once the whole content has been checked against its digest. The output never exists
/// half-written or unverified, and finishing costs the last piece, not a copy of the whole content (100 daemons
/// copying 64 MiB each at the same moment took a median 9.8 s on two cores).
/// </summary>
internal sealed class OutputFile : IAsyncDisposable
{
    /// <summary>Bytes per file write: one write per piece or run of pieces as they arrive, not one per 64 KiB.</summary>
    private const int WriteChunk = 1024 * 1024;

    private readonly string _output;
    private readonly string _temp;
    private readonly FileStream _file;
    private readonly bool _unnamed;
    private readonly CancellationTokenSource _stop;
    private readonly Task<CopyResult> _streaming;
    private bool _named;
    private bool _committed;

    private OutputFile(PeerTask task, string output, CancellationToken cancellationToken)
    {
        _output = output;
        var directory = Path.GetDirectoryName(output)!;
        _temp = Path.Combine(directory, $".{Path.GetFileName(output)}.dfget-{Guid.NewGuid():N}");
        // Nameless while it fills where the filesystem allows, so a daemon killed mid-download leaves nothing behind.
        if (UnnamedFile.TryCreate(directory) is { } handle)
        {
            _file = new FileStream(handle, FileAccess.Write, 1);
            _unnamed = true;
        }
        else
        {
            _file = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            _named = true;
        }
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _streaming = StreamAsync(task, _stop.Token);
    }

    /// <summary>Creates the temporary file and starts filling it; the error says what is wrong with the output's place.</summary>
    public static OutputFile Start(PeerTask task, string output, CancellationToken cancellationToken)
    {
        try
        {
            return new OutputFile(task, output, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotWrite(output, e);
        }
    }

    /// <summary>
    /// Finishes the file from <paramref name="content"/>, the download's verified result, and moves it to the output.
    /// Bytes streamed from content the download later dropped (it started over from the source) are written again.
    /// </summary>
    public async Task CommitAsync(StoredContent content, CancellationToken cancellationToken)
    {
        try
        {
            var streamed = await _streaming;
            if (streamed.Error is not null || streamed.Written != content.ContentLength)
            {
                await CopyWholeAsync(content, cancellationToken);
            }
            await _file.FlushAsync(cancellationToken);
            if (_unnamed)
            {
                UnnamedFile.Link(_file.SafeFileHandle, _temp);
                _named = true;
            }
            await _file.DisposeAsync();
            File.Move(_temp, _output, overwrite: true);
            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CannotWrite(_output, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await ((Task)_streaming).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        await _file.DisposeAsync();
        if (_named && !_committed)
        {
            File.Delete(_temp);
        }
    }

    private async Task<CopyResult> StreamAsync(PeerTask task, CancellationToken cancellationToken)
    {
        await Task.Yield(); // the caller goes on to report progress while this waits for pieces
        var (length, error) = await PeerTaskReader.WaitForLengthAsync(task, cancellationToken);
        if (error is not null)
        {
            return new CopyResult(0, error);
        }
        var writer = PipeWriter.Create(_file, new StreamPipeWriterOptions(minimumBufferSize: WriteChunk, leaveOpen: true));
        try
        {
            return await PeerTaskReader.CopyAsync(task, 0, length, writer, cancellationToken, WriteChunk);
        }
        finally
        {
            await writer.CompleteAsync();
        }
    }

    private async Task CopyWholeAsync(StoredContent content, CancellationToken cancellationToken)
    {
        _file.SetLength(0);
        _file.Position = 0;
        await using var source = new FileStream(content.DataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await source.CopyToAsync(_file, 1024 * 1024, cancellationToken);
    }

    private static Exception CannotWrite(string output, Exception e) =>
        DownloadErrorStatus.ToException(new DownloadError(DownloadErrorKind.OutputFailed, $"cannot write {output}: {e.Message}"));
}
