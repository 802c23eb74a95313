namespace Dragonfly.Core.Storage;

/// <summary>What <c>meta.json</c> records next to completed content so a restart can serve it again.</summary>
public sealed record ContentMetadata
{
    public required string TaskId { get; init; }
    public required long ContentLength { get; init; }
    public required int PieceSize { get; init; }
    public string? ContentDigest { get; init; }
    public required IReadOnlyList<PieceMetadata> Pieces { get; init; }
    public DateTimeOffset CompletedAt { get; init; }
}

public sealed record PieceMetadata(int Number, long Offset, int Size, string Digest);
