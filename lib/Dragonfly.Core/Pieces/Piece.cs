namespace Dragonfly.Core.Pieces;

/// <summary>
/// One piece as the seed cut it from the source: where it lies, and where the content's SHA-256 chain stands
/// after it (<see cref="PieceDigest"/>; the last piece's is the whole content's digest).
/// </summary>
public readonly record struct Piece(int Number, long Offset, int Size, PieceDigest Digest)
{
    public long End => Offset + Size;
}
