using System.Numerics;

namespace Dragonfly.Core.Pieces;

/// <summary>
/// The one rule that decides how content is cut into pieces. Pieces are at least 4 MiB (fewer, larger
/// requests amortise per-piece cost); content past <see cref="TargetMaxPieceCount"/> floor-sized pieces gets
/// larger power-of-two pieces so the piece count stays bounded, up to <see cref="MaxPieceSize"/>.
/// </summary>
public static class PieceSizePolicy
{
    public const int MinPieceSize = 4 * 1024 * 1024;
    public const int MaxPieceSize = 64 * 1024 * 1024;
    public const int TargetMaxPieceCount = 1024;

    /// <param name="contentLength">Length in bytes, or a negative number when unknown.</param>
    public static int PieceSizeFor(long contentLength)
    {
        if (contentLength <= (long)MinPieceSize * TargetMaxPieceCount)
        {
            return MinPieceSize;
        }
        var wanted = (contentLength + TargetMaxPieceCount - 1) / TargetMaxPieceCount;
        var rounded = BitOperations.RoundUpToPowerOf2((ulong)wanted);
        return (int)Math.Min(rounded, MaxPieceSize);
    }
}
