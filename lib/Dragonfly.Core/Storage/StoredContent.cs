using System.Text.Json;
using Dragonfly.Core.Pieces;
using Microsoft.Win32.SafeHandles;

namespace Dragonfly.Core.Storage;

/// <summary>
/// The bytes of one task on disk and which of its pieces are held (written and verified). Pieces are written
/// at their offsets in arrival order; a piece counts as held only after its bytes are written. Reads and
/// writes are positional, so the piece server may read held pieces while others are still arriving.
/// </summary>
public sealed class StoredContent : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _growth = new();
    private readonly ContentStore _store;
    private readonly Bitfield _held = new();
    private readonly Dictionary<int, Piece> _pieces = [];
    private SafeFileHandle? _handle;
    private int _users;
    private bool _closed;
    private bool _evicted;
    private bool _verified;
    private long _reserved;

    internal StoredContent(TaskId id, string folder, ContentStore store)
    {
        Id = id;
        Folder = folder;
        _store = store;
    }

    public TaskId Id { get; }

    public string Folder { get; }

    public string DataPath => Path.Combine(Folder, "data");

    /// <summary>Content length, or -1 until known.</summary>
    public long ContentLength { get; private set; } = -1;

    public int PieceSize { get; private set; } = PieceSizePolicy.DefaultMin;

    public bool IsComplete { get; private set; }

    /// <summary>
    /// Every byte is held and checked against the content's digest (<see cref="MarkVerified"/>), or the content is
    /// complete. Readers may send all of it, while <see cref="CompleteAsync"/> may still be flushing it to disk.
    /// </summary>
    public bool IsVerified
    {
        get { lock (_gate) { return _verified || IsComplete; } }
    }

    public string? ContentDigest { get; private set; }

    public int HeldCount
    {
        get { lock (_gate) { return _held.Count; } }
    }

    /// <summary>
    /// Fixes the length and piece size, checks free space and pre-allocates the data file.
    /// Calling it again with the same values does nothing.
    /// </summary>
    public void SetLayout(long contentLength, int pieceSize)
    {
        var lengthBecameKnown = false;
        lock (_gate)
        {
            if (ContentLength == contentLength && PieceSize == pieceSize && _handle is not null)
            {
                return;
            }
            if (!IsComplete && _handle is not null && ContentLength < 0 && PieceSize == pieceSize)
            {
                lengthBecameKnown = true; // after pieces of unknown-length content arrived
            }
            else if (IsComplete || _handle is not null)
            {
                throw new InvalidOperationException($"layout of task {Id} is already fixed");
            }
        }
        if (lengthBecameKnown)
        {
            // What the growing content reserved is counted already; the rest must fit too.
            lock (_growth)
            {
                var rest = contentLength - Interlocked.Read(ref _reserved);
                if (rest > 0)
                {
                    _store.Reserve(this, rest);
                }
            }
            lock (_gate)
            {
                ContentLength = contentLength;
            }
            return;
        }
        // Outside this content's lock: making room may evict (and lock) other content. The room is taken in the
        // same step as the check, so contents laid out at once cannot each see the last room free and all take it.
        _store.Reserve(this, contentLength);
        try
        {
            lock (_gate)
            {
                if (_handle is null)
                {
                    _handle = File.OpenHandle(DataPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous, contentLength);
                    ContentLength = contentLength;
                    PieceSize = pieceSize;
                    return;
                }
            }
        }
        catch
        {
            _store.Release(this, contentLength);
            throw;
        }
        _store.Release(this, contentLength); // another call laid the content out first
    }

    /// <summary>
    /// Sets the piece size of content whose length is not known yet (a source without Content-Length), before
    /// any piece is held: held ranges are computed in pieces, so they must be the size the pieces are cut in.
    /// </summary>
    public void UsePieceSize(int pieceSize)
    {
        lock (_gate)
        {
            if (PieceSize == pieceSize)
            {
                return;
            }
            if (_held.Count > 0 || (_handle is not null && ContentLength >= 0) || IsComplete)
            {
                throw new InvalidOperationException($"task {Id} already holds pieces of {PieceSize} bytes; it cannot switch to {pieceSize}");
            }
            PieceSize = pieceSize;
        }
    }

    /// <summary>
    /// The most one pwrite is given. A write of 2 MiB or more makes the kernel (6.x, ext4 with large folios) put
    /// it in 2 MiB page-cache folios, taken from whole free blocks of memory. In a VM that hands free blocks back
    /// to its host (virtio-balloon free page reporting, as on the machines this was measured on), each such block
    /// costs a host fault when first touched again, inside the copy: 4 MiB pwrites into a new file ran at
    /// 0.26-0.52 GB/s against 4.6-5.1 GB/s for 1 MiB pwrites, and at full speed with reporting switched off. A
    /// peer writing its 4 MiB pieces whole spent more CPU in that copy than in hashing them.
    /// </summary>
    public const int MaxWriteSize = 1 << 20;

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> in pwrites of at most <see cref="MaxWriteSize"/>.</summary>
    public static void WriteInSteps(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset)
    {
        for (var done = 0; done < data.Length; done += MaxWriteSize)
        {
            RandomAccess.Write(handle, data.Slice(done, Math.Min(MaxWriteSize, data.Length - done)), offset + done);
        }
    }

    /// <summary>Writes bytes at an offset without marking anything held (the seed writes a piece in chunks).</summary>
    /// <exception cref="InsufficientStorageException">Content of unknown length grew past what the cache may hold.</exception>
    /// <remarks>
    /// Done on the calling thread, like <see cref="ReadAsync"/>: on Linux, <see cref="RandomAccess"/>'s async calls
    /// run the same blocking pwrite on another thread-pool thread, which adds two thread switches and nothing
    /// else. With a daemon handling a few pieces a second, those switches were most of its CPU.
    /// </remarks>
    public ValueTask WriteAsync(long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        try
        {
            ReserveUpTo(offset + data.Length);
            WriteInSteps(WritableHandle(), data.Span, offset);
            return ValueTask.CompletedTask;
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <summary>
    /// Bytes counted against the cache while incomplete: the pre-allocated length, or for content of unknown
    /// length what it has reserved as it grew. Changed only by the store, under its lock.
    /// </summary>
    internal long ReservedBytes => Interlocked.Read(ref _reserved);

    internal void AddReservation(long bytes) => Interlocked.Add(ref _reserved, bytes);

    /// <summary>
    /// Content of unknown length has no pre-allocation to check the quota and disk against up front, so it
    /// reserves room as it grows, a whole piece at a time; without this it would pass the quota unnoticed.
    /// </summary>
    private void ReserveUpTo(long end)
    {
        if (ContentLength >= 0 || end <= Interlocked.Read(ref _reserved))
        {
            return;
        }
        // One grower at a time: two writers must not both reserve the same next piece.
        lock (_growth)
        {
            long reserved, target;
            lock (_gate)
            {
                reserved = Interlocked.Read(ref _reserved);
                if (ContentLength >= 0 || end <= reserved)
                {
                    return;
                }
                target = (end + PieceSize - 1) / PieceSize * PieceSize;
            }
            // Outside this content's lock: making room may evict (and lock) other content.
            _store.Reserve(this, target - reserved);
        }
    }

    /// <summary>Writes a whole, already verified piece and marks it held.</summary>
    public async ValueTask WritePieceAsync(Piece piece, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length != piece.Size)
        {
            throw new ArgumentException($"piece {piece.Number} is {piece.Size} bytes, got {data.Length}", nameof(data));
        }
        await WriteAsync(piece.Offset, data, cancellationToken).ConfigureAwait(false);
        MarkHeld(piece);
    }

    /// <summary>Records that <paramref name="piece"/>'s bytes are on disk and verified.</summary>
    public bool MarkHeld(Piece piece)
    {
        lock (_gate)
        {
            _pieces[piece.Number] = piece;
            return _held.Set(piece.Number);
        }
    }

    public bool IsHeld(int number)
    {
        lock (_gate)
        {
            return _held[number];
        }
    }

    /// <summary>The held piece numbered <paramref name="number"/>, as it was verified.</summary>
    public bool TryGetHeld(int number, out Piece piece)
    {
        lock (_gate)
        {
            if (_held[number] && _pieces.TryGetValue(number, out piece))
            {
                return true;
            }
            piece = default;
            return false;
        }
    }

    public Bitfield HeldSnapshot()
    {
        lock (_gate)
        {
            return _held.Clone();
        }
    }

    public IReadOnlyList<Piece> HeldPieces()
    {
        lock (_gate)
        {
            return _pieces.Values.OrderBy(p => p.Number).ToArray();
        }
    }

    /// <summary>True when every byte of [offset, offset+length) lies in held pieces.</summary>
    public bool IsRangeHeld(long offset, long length)
    {
        // A range from a request header may end near long.MaxValue: offset + length must not wrap around.
        if (offset < 0 || length <= 0 || length > long.MaxValue - offset)
        {
            return false;
        }
        var end = offset + length;
        lock (_gate)
        {
            if ((ContentLength >= 0 && end > ContentLength) || (end - 1) / PieceSize > int.MaxValue)
            {
                return false;
            }
            var first = (int)(offset / PieceSize);
            var last = (int)((end - 1) / PieceSize);
            for (var n = first; n <= last; n++)
            {
                if (!_held[n] || !_pieces.TryGetValue(n, out var piece) || (n == last && piece.End < end))
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>How many bytes from <paramref name="offset"/> on lie in consecutive held pieces (0 when none).</summary>
    public long HeldRunFrom(long offset)
    {
        lock (_gate)
        {
            if (offset < 0 || (ContentLength >= 0 && offset >= ContentLength))
            {
                return 0;
            }
            var run = 0L;
            for (var n = (int)(offset / PieceSize); _held[n] && _pieces.TryGetValue(n, out var piece); n++)
            {
                run = piece.End - offset;
                if (ContentLength >= 0 && piece.End >= ContentLength)
                {
                    break;
                }
            }
            return Math.Max(0, run);
        }
    }

    /// <summary>
    /// Reads at an offset on another thread-pool thread. For a reader feeding a socket: a response pipe may
    /// resume its writer on the thread that sends, so a read there would wait for each send and the next send for
    /// the read (a cached 1 GiB blob went from 1.6 to 1.45 GB/s); here the two overlap.
    /// </summary>
    public ValueTask<int> ReadOnPoolAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken) =>
        RandomAccess.ReadAsync(ReadableHandle(), buffer, offset, cancellationToken);

    /// <summary>Reads at an offset, on the calling thread (see <see cref="WriteAsync"/>).</summary>
    public ValueTask<int> ReadAsync(long offset, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }
        try
        {
            return ValueTask.FromResult(RandomAccess.Read(ReadableHandle(), buffer.Span, offset));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    /// <summary>Records that every byte is held and matches the content's digest (see <see cref="IsVerified"/>).</summary>
    public void MarkVerified()
    {
        lock (_gate)
        {
            _verified = true;
        }
    }

    /// <summary>
    /// Makes the content durable and complete: one fsync (delayed sync), then <c>meta.json</c> written
    /// atomically. Only after this does the content survive a restart.
    /// </summary>
    public async Task CompleteAsync(long contentLength, string? contentDigest, CancellationToken cancellationToken)
    {
        var handle = WritableHandle();
        if (RandomAccess.GetLength(handle) != contentLength)
        {
            RandomAccess.SetLength(handle, contentLength);
        }
        RandomAccess.FlushToDisk(handle);
        ContentMetadata meta;
        lock (_gate)
        {
            ContentLength = contentLength;
            ContentDigest = contentDigest;
            meta = new ContentMetadata
            {
                TaskId = Id.Value,
                ContentLength = contentLength,
                PieceSize = PieceSize,
                ContentDigest = contentDigest,
                PieceDigests = ContentMetadata.Sha256ChainDigests,
                Pieces = _pieces.Values.OrderBy(p => p.Number).Select(p => new PieceMetadata(p.Number, p.Offset, p.Size, p.Digest.ToString())).ToArray(),
                CompletedAt = DateTimeOffset.UtcNow,
            };
        }
        var temp = Path.Combine(Folder, "meta.json.tmp");
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(meta, ContentStore.JsonOptions), cancellationToken).ConfigureAwait(false);
        File.Move(temp, Path.Combine(Folder, "meta.json"), overwrite: true);
        lock (_gate)
        {
            IsComplete = true;
        }
        _store.OnCompleted(this);
    }

    /// <summary>
    /// Holds the content for reading: it is not evicted until the lease is disposed. Null when it was evicted
    /// already (ask the store again).
    /// </summary>
    public ContentLease? TryAcquire()
    {
        lock (_gate)
        {
            if (_evicted)
            {
                return null;
            }
            _users++;
        }
        return new ContentLease(this); // the lookup that found the content (ContentStore.TryGet) counted as its use
    }

    /// <summary>Being written, or being read under a lease: not to be evicted.</summary>
    internal bool InUse
    {
        get { lock (_gate) { return _users > 0 || !IsComplete; } }
    }

    internal void Release()
    {
        lock (_gate)
        {
            if (--_users == 0 && _evicted)
            {
                _handle?.Dispose();
                _handle = null;
            }
        }
    }

    /// <summary>The store dropped this content; its file handle closes once the last lease is gone.</summary>
    internal void MarkEvicted()
    {
        lock (_gate)
        {
            _evicted = true;
            if (_users == 0)
            {
                _handle?.Dispose();
                _handle = null;
            }
        }
    }

    /// <summary>Drops this content from the store (memory and disk).</summary>
    public void Discard() => _store.Delete(Id);

    /// <summary>Closed by the store (deleted, or dropped so its download can start over): nothing more can be read through it.</summary>
    public bool IsClosed
    {
        get { lock (_gate) { return _closed; } }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _handle?.Dispose();
            _handle = null;
        }
        _store.Forget(this);
    }

    internal static StoredContent LoadCompleted(TaskId id, string folder, ContentStore store, ContentMetadata meta, IReadOnlyList<Piece> pieces)
    {
        var content = new StoredContent(id, folder, store)
        {
            ContentLength = meta.ContentLength,
            PieceSize = meta.PieceSize,
            ContentDigest = meta.ContentDigest,
            IsComplete = true,
        };
        content._handle = File.OpenHandle(content.DataPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        foreach (var piece in pieces)
        {
            content.MarkHeld(piece);
        }
        return content;
    }

    private SafeFileHandle WritableHandle()
    {
        lock (_gate)
        {
            if (IsComplete)
            {
                throw new InvalidOperationException($"task {Id} is complete and read-only");
            }
            // Content of unknown length has no pre-allocated file yet: it grows as pieces arrive.
            return _handle ??= File.OpenHandle(DataPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous);
        }
    }

    private SafeFileHandle ReadableHandle()
    {
        lock (_gate)
        {
            return _handle ?? throw new InvalidOperationException($"task {Id} has no data yet");
        }
    }
}
