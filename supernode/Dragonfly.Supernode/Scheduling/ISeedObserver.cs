using Dragonfly.Core;
using Dragonfly.Core.Pieces;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>What the seed tells the scheduler as a fetch progresses. Calls may come from any thread.</summary>
public interface ISeedObserver
{
    void LayoutKnown(TaskId taskId, long contentLength, int pieceSize);

    /// <summary>The piece is on the seed's disk and may be served from now on.</summary>
    void PieceStored(TaskId taskId, Piece piece);

    void Completed(TaskId taskId, long contentLength, string? contentDigest);

    /// <param name="sourceStatusCode">The HTTP status the source answered, 0 when it gave none.</param>
    void Failed(TaskId taskId, int sourceStatusCode, string error);
}
