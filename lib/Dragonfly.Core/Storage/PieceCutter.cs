using System.Buffers;
using System.Security.Cryptography;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;

namespace Dragonfly.Core.Storage;

/// <summary>
/// Turns a byte stream from a source into pieces: writes the bytes at their offsets, hashes each piece
/// (and the whole content) as it goes, and reports every piece the moment it is stored. Used by the seed and
/// by a peer that goes back to the source itself.
/// </summary>
public sealed class PieceCutter : IDisposable
{
    private const int ReadBufferSize = 256 * 1024;

    private readonly StoredContent _content;
    private readonly int _pieceSize;
    private readonly IncrementalHash _pieceHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _wholeHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _pieceFilled;
    private int _pieceNumber;

    public PieceCutter(StoredContent content, int pieceSize)
    {
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
            if (_pieceFilled > 0)
            {
                pieceStored(FinishPiece());
            }
            return Digest.FromHash(_wholeHash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> data, Action<Piece> pieceStored, CancellationToken cancellationToken)
    {
        await _content.WriteAsync(Written, data, cancellationToken).ConfigureAwait(false);
        _wholeHash.AppendData(data.Span);
        Written += data.Length;
        while (!data.IsEmpty)
        {
            var take = Math.Min(data.Length, _pieceSize - _pieceFilled);
            _pieceHash.AppendData(data.Span[..take]);
            _pieceFilled += take;
            data = data[take..];
            if (_pieceFilled == _pieceSize)
            {
                pieceStored(FinishPiece());
            }
        }
    }

    private Piece FinishPiece()
    {
        var piece = new Piece(_pieceNumber, (long)_pieceNumber * _pieceSize, _pieceFilled, Digest.FromHash(_pieceHash.GetHashAndReset()));
        _content.MarkHeld(piece);
        _pieceNumber++;
        _pieceFilled = 0;
        return piece;
    }

    public void Dispose()
    {
        _pieceHash.Dispose();
        _wholeHash.Dispose();
    }
}
