namespace Dragonfly.Core.Storage;

/// <summary>What <c>meta.json</c> records next to completed content so a restart can serve it again.</summary>
public sealed record ContentMetadata
{
    /// <summary>How <see cref="PieceMetadata.Digest"/> is to be read; content written otherwise is discarded on load.</summary>
    public const string Sha256ChainDigests = "sha256-chain";

    public required string TaskId { get; init; }
    public required long ContentLength { get; init; }
    public required int PieceSize { get; init; }
    public string? ContentDigest { get; init; }

    /// <summary><see cref="Sha256ChainDigests"/>: each piece's digest is a link of the content's SHA-256 chain.</summary>
    public string? PieceDigests { get; init; }

    public required IReadOnlyList<PieceMetadata> Pieces { get; init; }
    public DateTimeOffset CompletedAt { get; init; }
}

public sealed record PieceMetadata(int Number, long Offset, int Size, string Digest);
