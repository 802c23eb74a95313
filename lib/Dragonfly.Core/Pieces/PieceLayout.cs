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
}
