using Dragonfly.Core.Pieces;
using Dragonfly.Protocol.V1;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>
/// Decides which piece to fetch next and from whom, for one download: rarest first among peer parents,
/// least-loaded parent, random tie-breaks; the seed only for pieces no peer parent offers. A parent measured
/// far slower than the best one is slow: it gets one piece at a time, and only pieces no faster parent offers.
/// It owns no I/O.
/// </summary>
internal sealed class PieceDispatcher(int maxPiecesPerParent, int parentFailureLimit, Random random, string scheme = "http")
{
    /// <summary>A parent below this fraction of the fastest measured parent's throughput is slow.</summary>
    public const double SlowRatio = 0.25;

    /// <summary>Pieces measured from a parent before its speed is judged.</summary>
    public const int SamplesToJudge = 1;

    private readonly Dictionary<int, Piece> _known = [];
    private readonly Bitfield _held = new();
    private readonly HashSet<int> _inFlight = [];
    private readonly Dictionary<string, ParentState> _parents = [];
    private readonly HashSet<(int Piece, string Parent)> _failedPairs = [];

    public int InFlight => _inFlight.Count;

    public int HeldCount => _held.Count;

    public IEnumerable<ParentState> Parents => _parents.Values;

    public bool IsHeld(int number) => _held[number];

    /// <summary>Records piece metadata from the seed; returns true when it is new.</summary>
    public bool AddPiece(Piece piece) => _known.TryAdd(piece.Number, piece);

    public Piece? KnownPiece(int number) => _known.TryGetValue(number, out var piece) ? piece : null;

    public void MarkHeld(int number) => _held.Set(number);

    /// <summary>Replaces the parent list with the scheduler's latest, keeping what this download learned about each.</summary>
    public void UpdateParents(IEnumerable<ParentPeer> parents)
    {
        foreach (var state in _parents.Values)
        {
            state.Current = false;
        }
        foreach (var parent in parents)
        {
            var address = new Uri($"{scheme}://{FormatHost(parent.Ip)}:{parent.DownloadPort}/");
            if (!_parents.TryGetValue(parent.PeerId, out var state))
            {
                state = new ParentState(parent.PeerId, address, parent.IsSeed);
                _parents[parent.PeerId] = state;
            }
            state.BaseAddress = address;
            state.Offers = Bitfield.FromBytes(parent.Pieces.Span);
            state.Current = true;
        }
    }

    /// <summary>The next (piece, parent) to fetch, or null when nothing can start now.</summary>
    public (Piece Piece, ParentState Parent)? Next()
    {
        (Piece, ParentState)? best = null;
        var bestAvailability = int.MaxValue;
        var ties = 0;
        var fastest = FastestThroughput();
        foreach (var piece in _known.Values)
        {
            if (_held[piece.Number] || _inFlight.Contains(piece.Number))
            {
                continue;
            }
            var availability = 0;
            var offeredByFast = false;
            ParentState? free = null;
            ParentState? freeSlow = null;
            foreach (var parent in _parents.Values)
            {
                if (parent.IsSeed || !Usable(parent, piece.Number))
                {
                    continue;
                }
                availability++;
                if (IsSlow(parent, fastest))
                {
                    freeSlow ??= parent.InFlight == 0 ? parent : null;
                    continue;
                }
                offeredByFast = true;
                if (parent.InFlight < maxPiecesPerParent && (free is null || parent.InFlight < free.InFlight || (parent.InFlight == free.InFlight && random.Next(2) == 0)))
                {
                    free = parent;
                }
            }
            free ??= offeredByFast ? null : freeSlow;
            if (free is null)
            {
                continue;
            }
            if (availability < bestAvailability)
            {
                best = (piece, free);
                bestAvailability = availability;
                ties = 1;
            }
            else if (availability == bestAvailability && random.Next(++ties) == 0)
            {
                best = (piece, free);
            }
        }
        return best ?? NextFromSeed();
    }

    private (Piece, ParentState)? NextFromSeed()
    {
        // The scheduler bounds what the seed offers this peer at once, so every offered piece may be in flight.
        foreach (var seed in _parents.Values.Where(p => p.IsSeed))
        {
            foreach (var piece in _known.Values.OrderBy(p => p.Number))
            {
                if (!_held[piece.Number] && !_inFlight.Contains(piece.Number) && Usable(seed, piece.Number))
                {
                    return (piece, seed);
                }
            }
        }
        return null;
    }

    public void Started(Piece piece, ParentState parent)
    {
        _inFlight.Add(piece.Number);
        parent.InFlight++;
    }

    /// <summary>
    /// Records the end of a fetch. A corrupt piece blocks its parent for the rest of this download, and so does a
    /// piece a peer parent did not deliver within the piece timeout: it is that slow for the pieces in flight from
    /// it too, and each further piece asked of it would cost another whole timeout.
    /// </summary>
    public void Finished(Piece piece, ParentState parent, bool succeeded, bool corrupt, TimeSpan elapsed = default, bool timedOut = false)
    {
        _inFlight.Remove(piece.Number);
        parent.InFlight--;
        if (succeeded)
        {
            _held.Set(piece.Number);
            if (elapsed > TimeSpan.Zero)
            {
                parent.RecordPiece(piece.Size, elapsed);
            }
            return;
        }
        // The seed is the source of last resort: a failed seed piece may be asked again (the stall timeout
        // bounds that); a peer that failed a piece is not asked for it again.
        if (!parent.IsSeed)
        {
            _failedPairs.Add((piece.Number, parent.Id));
        }
        parent.Failures++;
        if (corrupt || (!parent.IsSeed && (timedOut || parent.Failures >= parentFailureLimit)))
        {
            parent.Blocked = true;
        }
    }

    /// <summary>Peer parents this download judged slow.</summary>
    public int SlowParentCount
    {
        get
        {
            var fastest = FastestThroughput();
            return _parents.Values.Count(p => !p.IsSeed && IsSlow(p, fastest));
        }
    }

    private double FastestThroughput()
    {
        var fastest = 0.0;
        foreach (var parent in _parents.Values)
        {
            if (parent.Samples >= SamplesToJudge && parent.Current && !parent.Blocked)
            {
                fastest = Math.Max(fastest, parent.Throughput);
            }
        }
        return fastest;
    }

    private static bool IsSlow(ParentState parent, double fastest) =>
        parent.Samples >= SamplesToJudge && parent.Throughput < SlowRatio * fastest;

    private bool Usable(ParentState parent, int number) =>
        parent.Current && !parent.Blocked && parent.Offers[number] && !_failedPairs.Contains((number, parent.Id));

    private static string FormatHost(string ip) => ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]" : ip;
}
