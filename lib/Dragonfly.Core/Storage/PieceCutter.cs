using System.Buffers;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;

namespace Dragonfly.Core.Storage;

/// <summary>
/// Turns a byte stream from a source into pieces: writes the bytes at their offsets, runs the content's SHA-256
/// chain over them once (each piece's digest is the chain's state after it, the last piece's the whole digest:
/// <see cref="PieceDigest"/>), and reports every piece the moment it is stored. Used by the seed and by a peer that
/// goes back to the source itself.
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
    private readonly Sha256Chain _chain = Sha256Chain.Start();
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
    }

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>
    /// Copies <paramref name="source"/> to the end, through <paramref name="limiters"/>, calling
    /// <paramref name="pieceStored"/> after each piece is on disk. Returns the digest of everything copied.
    /// </summary>
    public async Task<Digest> CopyAsync(Stream source, IReadOnlyList<ByteRateLimiter> limiters, Action<Piece> pieceStored, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
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
            }
            var digest = _chain.Finish();
            if (_filled is { } last)
            {
                pieceStored(Report(last with { Digest = PieceDigest.Final(digest) }));
            }
            else if (_pieceFilled > 0)
            {
                pieceStored(Report(new Piece(_pieceNumber, (long)_pieceNumber * _pieceSize, _pieceFilled, PieceDigest.Final(digest))));
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
        await _content.WriteAsync(Written, data, cancellationToken).ConfigureAwait(false);
        Written += data.Length;
        while (!data.IsEmpty)
        {
            if (_filled is { } full)
            {
                // More bytes follow, so the piece that filled up is not the last: its digest is the chaining value.
                _filled = null;
                pieceStored(Report(full));
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

    private Piece Report(Piece piece)
    {
        _content.MarkHeld(piece);
        return piece;
    }

    public void Dispose() => _chain.Dispose();
}
