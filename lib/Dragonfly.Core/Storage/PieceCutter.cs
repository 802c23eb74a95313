using System.Buffers;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;

namespace Dragonfly.Core.Storage;

/// <summary>
/// Turns a byte stream from a source into pieces: writes the bytes at their offsets, runs the content's SHA-256
/// chain over them once (each piece's digest is the chain's state after it, the last piece's the whole digest:
/// <see cref="PieceDigest"/>), and reports every piece the moment it is stored. Used by the seed and by a peer that
/// goes back to the source itself, also to finish content that already holds pieces (<see cref="Resume"/>).
/// </summary>
/// <remarks>
/// A piece that fills up is reported once the next bytes arrive (it gets the chaining value) or the source ends
/// (it is the last piece and gets the content's digest): with no Content-Length only the end tells which is which.
/// </remarks>
public sealed class PieceCutter : IDisposable
{
    private const int ReadBufferSize = 256 * 1024;

    private readonly StoredContent _content;
    private readonly int _pieceSize;
    private readonly Sha256Chain _chain;
    private readonly bool _resuming;
    private int _pieceFilled;
    private int _pieceNumber;
    private Piece? _filled;

    public PieceCutter(StoredContent content, int pieceSize)
    {
        if (!PieceLayout.IsChainable(pieceSize))
        {
            throw new ArgumentOutOfRangeException(nameof(pieceSize), pieceSize, "pieces are a multiple of 64 bytes (SHA-256 blocks)");
        }
        _content = content;
        _pieceSize = pieceSize;
        content.UsePieceSize(pieceSize);
        _chain = Sha256Chain.Start();
    }

    private PieceCutter(StoredContent content, int firstPiece, PieceDigest start)
    {
        _content = content;
        _pieceSize = content.PieceSize;
        _pieceNumber = firstPiece;
        _resuming = true;
        Written = (long)firstPiece * _pieceSize;
        _chain = Sha256Chain.Resume(start, Written);
    }

    /// <summary>
    /// Finishes laid-out content that already holds some pieces (a peer completing from the source what P2P began):
    /// the source's bytes are those from piece <paramref name="firstPiece"/> on, and the chain continues from
    /// <paramref name="start"/>, the digest of the piece before it (<see cref="PieceDigest.Initial"/> for piece 0).
    /// A piece already held is not written again: where the source's chain stands after it must be the digest it
    /// is held with, or <see cref="CopyAsync"/> throws <see cref="SourceMismatchException"/>, since the held bytes
    /// are then not the source's. So it does when the source's bytes end anywhere but at the content's length.
    /// Only newly stored pieces are reported.
    /// </summary>
    public static PieceCutter Resume(StoredContent content, int firstPiece, PieceDigest start)
    {
        if (content.ContentLength < 0)
        {
            throw new InvalidOperationException($"task {content.Id} has no layout to resume in");
        }
        var layout = new PieceLayout(content.ContentLength, content.PieceSize);
        if (firstPiece < 0 || (firstPiece >= layout.PieceCount && content.ContentLength > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(firstPiece), firstPiece, $"the content has {layout.PieceCount} pieces");
        }
        return new PieceCutter(content, firstPiece, start);
    }

    /// <summary>Where in the content the cutter stands: bytes written so far, plus the offset it resumed at.</summary>
    public long Written { get; private set; }

    /// <summary>
    /// Copies <paramref name="source"/> to the end, through <paramref name="limiters"/>, calling
    /// <paramref name="pieceStored"/> after each piece is on disk. Returns the digest of everything copied.
    /// </summary>
    public async Task<Digest> CopyAsync(Stream source, IReadOnlyList<ByteRateLimiter> limiters, Action<Piece> pieceStored, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        var slice = new ThreadSlice();
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, ReadBufferSize), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                foreach (var limiter in limiters)
                {
                    await limiter.AcquireAsync(read, cancellationToken).ConfigureAwait(false);
                }
                await WriteAsync(buffer.AsMemory(0, read), pieceStored, cancellationToken).ConfigureAwait(false);
                await slice.PassAsync().ConfigureAwait(false);
            }
            if (_resuming && Written != _content.ContentLength)
            {
                throw new SourceMismatchException($"the source's bytes end at {Written}, the content's at {_content.ContentLength}", null);
            }
            var digest = _chain.Finish();
            if (_filled is { } last)
            {
                Store(last with { Digest = PieceDigest.Final(digest) }, pieceStored);
            }
            else if (_pieceFilled > 0)
            {
                Store(new Piece(_pieceNumber, (long)_pieceNumber * _pieceSize, _pieceFilled, PieceDigest.Final(digest)), pieceStored);
            }
            return digest;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, Action<Piece> pieceStored, CancellationToken cancellationToken)
    {
        if (_resuming)
        {
            if (data.Length > _content.ContentLength - Written)
            {
                throw new SourceMismatchException($"the source sends more than the content's {_content.ContentLength} bytes", null);
            }
            await WriteMissingAsync(data, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _content.WriteAsync(Written, data, cancellationToken).ConfigureAwait(false);
        }
        Written += data.Length;
        while (!data.IsEmpty)
        {
            if (_filled is { } full)
            {
                // More bytes follow, so the piece that filled up is not the last: its digest is the chaining value.
                _filled = null;
                Store(full, pieceStored);
            }
            var take = Math.Min(data.Length, _pieceSize - _pieceFilled);
            _chain.Append(data.Span[..take]);
            _pieceFilled += take;
            data = data[take..];
            if (_pieceFilled == _pieceSize)
            {
                _filled = new Piece(_pieceNumber, (long)_pieceNumber * _pieceSize, _pieceSize, _chain.Midstate());
                _pieceNumber++;
                _pieceFilled = 0;
            }
        }
    }

    /// <summary>Writes the parts of <paramref name="data"/> (at <see cref="Written"/>) that fall in pieces not held yet.</summary>
    private async Task WriteMissingAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var offset = Written;
        while (!data.IsEmpty)
        {
            var number = (int)(offset / _pieceSize);
            var take = (int)Math.Min(data.Length, (long)(number + 1) * _pieceSize - offset);
            if (!_content.IsHeld(number))
            {
                await _content.WriteAsync(offset, data[..take], cancellationToken).ConfigureAwait(false);
            }
            offset += take;
            data = data[take..];
        }
    }

    /// <summary>Marks a newly cut piece held and reports it; a piece held already is checked against the source's chain instead.</summary>
    private void Store(Piece piece, Action<Piece> pieceStored)
    {
        if (_resuming && _content.TryGetHeld(piece.Number, out var held))
        {
            if (held != piece)
            {
                throw new SourceMismatchException(
                    $"piece {piece.Number} is held as {held.Digest} ({held.Size} bytes at {held.Offset}), but the source's bytes give {piece.Digest} ({piece.Size} bytes at {piece.Offset})", piece.Number);
            }
            return;
        }
        _content.MarkHeld(piece);
        pieceStored(piece);
    }

    public void Dispose() => _chain.Dispose();
}

/// <summary>
/// The source's bytes are not the content being finished (<see cref="PieceCutter.Resume"/>): a held piece differs,
/// or they end elsewhere than the content's length.
/// </summary>
public sealed class SourceMismatchException(string message, int? pieceNumber) : IOException(message)
{
    /// <summary>The held piece that differs; null when the length does.</summary>
    public int? PieceNumber { get; } = pieceNumber;
}
