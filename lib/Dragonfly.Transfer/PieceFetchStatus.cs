namespace Dragonfly.Transfer;

public enum PieceFetchStatus
{
    Ok,
    /// <summary>Connection refused or reset, or an unexpected HTTP status.</summary>
    Unreachable,
    /// <summary>The parent answered 404/416: it does not hold the piece.</summary>
    NotHeld,
    /// <summary>The bytes do not match the digest the seed computed.</summary>
    DigestMismatch,
    /// <summary>The parent did not deliver the piece in time.</summary>
    Timeout,
    /// <summary>The parent sent fewer or more bytes than the piece has.</summary>
    Truncated,
}
