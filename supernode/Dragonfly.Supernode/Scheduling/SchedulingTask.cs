using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>One task as its shard loop sees it: what the seed has learned and who holds which pieces.</summary>
internal sealed class SchedulingTask(TaskId id, ContentKey key, IReadOnlyDictionary<string, string> headers, SchedulingPeer seed)
{
    private readonly List<Piece?> _pieces = [];
    private readonly List<int> _copies = [];
    private readonly List<int> _seedInFlight = [];

    public TaskId Id { get; } = id;
    public ContentKey Key { get; } = key;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers;
    public SchedulingPeer Seed { get; } = seed;
    public Dictionary<string, SchedulingPeer> Peers { get; } = [];

    /// <summary>
    /// Downloading peers short of parents (fewer than the maximum, or none holding a piece they lack):
    /// whenever any peer gains a piece they lack, they are planned again.
    /// </summary>
    public HashSet<SchedulingPeer> Hungry { get; } = [];

    public TaskState State { get; set; } = TaskState.Pending;
    public long ContentLength { get; set; } = -1;
    public int PieceSize { get; set; } = PieceSizePolicy.DefaultMin;
    public string? ContentDigest { get; set; }
    public int SourceStatusCode { get; set; }
    public string? Error { get; set; }

    /// <summary>Piece count when the length is known, else -1.</summary>
    public int PieceCount => ContentLength >= 0 ? new PieceLayout(ContentLength, PieceSize).PieceCount : -1;

    /// <summary>Number of piece slots with metadata or counters (the highest known piece + 1).</summary>
    public int KnownSlots => _pieces.Count;

    public Piece? PieceAt(int number) => number < _pieces.Count ? _pieces[number] : null;

    public void AddPiece(Piece piece)
    {
        Grow(piece.Number + 1);
        _pieces[piece.Number] = piece;
    }

    /// <summary>Peers (not the seed, not excluded) that hold the piece, plus seed copies on their way.</summary>
    public int Availability(int number) => number < _copies.Count ? _copies[number] + _seedInFlight[number] : 0;

    public void AddCopy(int number, int delta)
    {
        Grow(number + 1);
        _copies[number] += delta;
    }

    public void AddSeedInFlight(int number, int delta)
    {
        Grow(number + 1);
        _seedInFlight[number] += delta;
        SeedInFlightTotal += delta;
    }

    /// <summary>Seed pieces offered to this task's peers and not yet reported: the seed's transfers in flight.</summary>
    public int SeedInFlightTotal { get; private set; }

    /// <summary>Peers still downloading.</summary>
    public int DownloadingPeers => Peers.Values.Count(p => p.IsDownloading);

    private void Grow(int count)
    {
        while (_pieces.Count < count)
        {
            _pieces.Add(null);
            _copies.Add(0);
            _seedInFlight.Add(0);
        }
    }
}
