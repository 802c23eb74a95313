using Dragonfly.Core.Pieces;

namespace Dragonfly.Supernode.Scheduling;

public sealed record SeedSnapshot(long ContentLength, int PieceSize, IReadOnlyList<Piece> Pieces, string? ContentDigest);
