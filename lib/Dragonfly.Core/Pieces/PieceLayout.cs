namespace Dragonfly.Core.Pieces;

/// <summary>How content of a known length is cut: piece i covers [i·size, min((i+1)·size, length)).</summary>
public readonly record struct PieceLayout
{
    public PieceLayout(long contentLength, int pieceSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(contentLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceSize);
        ContentLength = contentLength;
        PieceSize = pieceSize;
        PieceCount = checked((int)((contentLength + pieceSize - 1) / pieceSize));
    }

    public long ContentLength { get; }
    public int PieceSize { get; }
    public int PieceCount { get; }

    public static PieceLayout For(long contentLength) => new(contentLength, PieceSizePolicy.Default.PieceSizeFor(contentLength));

    public long OffsetOf(int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(number, PieceCount);
        return (long)number * PieceSize;
    }

    public int SizeOf(int number) => (int)Math.Min(PieceSize, ContentLength - OffsetOf(number));

    /// <summary>
    /// Whether content can be cut in <paramref name="pieceSize"/>-byte pieces: a positive multiple of 64 bytes, since
    /// pieces are links of one SHA-256 chain and a chaining value exists only at a block boundary.
    /// </summary>
    public static bool IsChainable(int pieceSize) => pieceSize > 0 && pieceSize % 64 == 0;

    /// <summary>
    /// What in <paramref name="piece"/>'s description contradicts this layout, in words, or null when it is piece
    /// <c>Number</c> exactly: at the layout's offset, of the layout's size, and carrying the content's digest if and
    /// only if it is the last piece.
    /// </summary>
    /// <remarks>
    /// The SHA-256 chain alone does not pin where a piece lies: the same bytes cut at other 64-byte boundaries pass
    /// through the same chaining values, so pieces described at shifted offsets would verify and be written in the
    /// wrong places. Whoever receives piece descriptions checks them against the layout first.
    /// </remarks>
    public string? Contradiction(Piece piece)
    {
        if (piece.Number < 0 || piece.Number >= PieceCount)
        {
            return $"piece {piece.Number} does not exist: {ContentLength} bytes in {PieceSize}-byte pieces are {PieceCount} pieces";
        }
        var offset = OffsetOf(piece.Number);
        var size = SizeOf(piece.Number);
        if (piece.Offset != offset || piece.Size != size)
        {
            return $"piece {piece.Number} is described as {piece.Size} bytes at offset {piece.Offset}, but {ContentLength} bytes in " +
                $"{PieceSize}-byte pieces put {size} bytes at offset {offset}";
        }
        var last = piece.Number == PieceCount - 1;
        return (last, piece.Digest.IsFinal) switch
        {
            (true, false) => $"the last piece ({piece.Number}) is described with a chaining value instead of the content's digest",
            (false, true) => $"piece {piece.Number} of {PieceCount} is described with the whole content's digest, which only the last piece carries",
            _ => null,
        };
    }

    /// <summary>
    /// <see cref="Contradiction"/> for content whose length is not known yet, cut in <paramref name="pieceSize"/>
    /// pieces: every piece but the last is whole, and only a piece carrying the content's digest may be the last.
    /// </summary>
    public static string? Contradiction(Piece piece, int pieceSize)
    {
        if (piece.Number < 0 || piece.Offset != (long)piece.Number * pieceSize)
        {
            return $"piece {piece.Number} is described at offset {piece.Offset}, but {pieceSize}-byte pieces put it at {(long)piece.Number * pieceSize}";
        }
        if (piece.Size <= 0 || piece.Size > pieceSize || (!piece.Digest.IsFinal && piece.Size != pieceSize))
        {
            return $"piece {piece.Number} is described as {piece.Size} bytes; in {pieceSize}-byte pieces every piece but the last has {pieceSize}, the last at most that";
        }
        return null;
    }
}
