namespace Dragonfly.PeerDaemon;

/// <summary>Configuration section <c>download</c>: how one P2P download behaves.</summary>
public sealed class DownloadOptions
{
    /// <summary>Pieces fetched at once by one download.</summary>
    public int MaxConcurrentPieces { get; set; } = 8;

    /// <summary>Pieces fetched at once from one parent.</summary>
    public int MaxPiecesPerParent { get; set; } = 2;

    /// <summary>Memory one download may hold in piece buffers; bounds concurrency for large pieces.</summary>
    public long MaxBufferedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Time one piece may take before its parent counts as stalled (and is not asked again in this download).
    /// Not longer than <see cref="StallTimeout"/>. A shorter one replaces a very slow parent sooner, but in a swarm
    /// whose uplinks are all saturated a healthy parent's piece can take many seconds: 10 s with 256 KiB pieces sent
    /// 100 peers sharing 1 MiB/s uplinks to the source, so the default stays at 30 s.
    /// </summary>
    public TimeSpan PieceTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time to wait for a supernode to accept a registration before going to the source.</summary>
    public TimeSpan RegisterTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time without any progress or scheduler message after which the download goes to the source.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failures of one parent after which this download stops asking it.</summary>
    public int ParentFailureLimit { get; set; } = 2;

    public IEnumerable<string> Validate()
    {
        if (MaxConcurrentPieces < 1) yield return "download:maxConcurrentPieces must be at least 1";
        if (MaxPiecesPerParent < 1) yield return "download:maxPiecesPerParent must be at least 1";
        if (MaxBufferedBytes < 4 * 1024 * 1024) yield return "download:maxBufferedBytes must be at least 4M (one piece)";
        if (PieceTimeout <= TimeSpan.Zero) yield return "download:pieceTimeout must be positive (e.g. 00:00:30)";
        if (RegisterTimeout <= TimeSpan.Zero) yield return "download:registerTimeout must be positive";
        if (StallTimeout <= TimeSpan.Zero) yield return "download:stallTimeout must be positive";
        if (PieceTimeout > StallTimeout) yield return $"download:pieceTimeout ({PieceTimeout}) must not be longer than download:stallTimeout ({StallTimeout}): a stalled parent must be given up before the download gives up on the swarm";
        if (ParentFailureLimit < 1) yield return "download:parentFailureLimit must be at least 1";
    }
}
