namespace Dragonfly.Core.Pieces;

/// <summary>One piece as the seed computed it from the source: where it lies and its SHA-256.</summary>
public readonly record struct Piece(int Number, long Offset, int Size, Digest Digest)
{
    public long End => Offset + Size;
}
