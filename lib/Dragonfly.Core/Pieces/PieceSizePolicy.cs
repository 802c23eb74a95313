using System.Numerics;

namespace Dragonfly.Core.Pieces;

/// <summary>
/// The rule that decides how content is cut into pieces. Pieces are at least <see cref="Min"/> bytes (fewer,
/// larger requests amortise per-piece cost); content of more than <see cref="TargetCount"/> such pieces gets
/// larger power-of-two pieces so the piece count stays bounded, up to <see cref="Max"/>. The seed decides a
/// task's piece size and tells every peer, so only the supernode's policy matters for P2P tasks.
/// </summary>
/// <param name="Min">Smallest piece, a power of two.</param>
/// <param name="Max">Largest piece, a power of two, at least <paramref name="Min"/>.</param>
/// <param name="TargetCount">Piece count above which pieces grow.</param>
public sealed record PieceSizePolicy(int Min, int Max, int TargetCount)
{
    public const int DefaultMin = 4 * 1024 * 1024;
    public const int DefaultMax = 64 * 1024 * 1024;
    public const int DefaultTargetCount = 1024;

    public static PieceSizePolicy Default { get; } = new(DefaultMin, DefaultMax, DefaultTargetCount);

    /// <param name="contentLength">Length in bytes, or a negative number when unknown.</param>
    public int PieceSizeFor(long contentLength)
    {
        if (contentLength <= (long)Min * TargetCount)
        {
            return Min;
        }
        var wanted = (contentLength + TargetCount - 1) / TargetCount;
        var rounded = BitOperations.RoundUpToPowerOf2((ulong)wanted);
        return (int)Math.Min(rounded, (ulong)Max);
    }

    /// <summary>The problem in words, naming <paramref name="key"/>, or null when the policy is usable.</summary>
    public string? Validate(string key)
    {
        const int floor = 64 * 1024;
        const int ceiling = 1024 * 1024 * 1024;
        if (Min < floor || !BitOperations.IsPow2(Min)) return $"{key}:min {Min} must be a power of two of at least 64K";
        if (Max > ceiling || !BitOperations.IsPow2(Max)) return $"{key}:max {Max} must be a power of two of at most 1G";
        if (Max < Min) return $"{key}:max ({Max}) is smaller than {key}:min ({Min})";
        if (TargetCount < 1) return $"{key}:targetCount {TargetCount} must be at least 1";
        return null;
    }
}
