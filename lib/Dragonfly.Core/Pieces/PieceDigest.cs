using System.Diagnostics.CodeAnalysis;

namespace Dragonfly.Core.Pieces;

/// <summary>
/// What a piece is checked against: a link of the content's SHA-256 chain. For every piece but the last it is
/// the SHA-256 chaining value after the piece's last byte (<c>sha256-midstate:&lt;64 hex&gt;</c>, the eight state
/// words, big-endian); for the last piece it is the SHA-256 of the whole content (<c>sha256:&lt;64 hex&gt;</c>).
/// </summary>
/// <remarks>
/// A piece is verified by running SHA-256 over its bytes from the previous piece's chaining value (the standard
/// initial value for the first piece) and comparing where it ends with this digest; pieces still verify in any
/// order, each on its own. Because the links form one SHA-256 computation, the whole content is verified by the
/// same pass: when every piece checks out, the last piece's digest is the content's digest. So the seed hashes
/// each byte once (not once for its piece and once for the whole), and so does every peer.
/// Forging a piece that ends at the published chaining value is a second preimage on SHA-256's compression chain.
/// </remarks>
public readonly record struct PieceDigest
{
    public const string MidstatePrefix = "sha256-midstate:";
    private const int HexLength = 64;

    private PieceDigest(string hex, bool isFinal)
    {
        Hex = hex;
        IsFinal = isFinal;
    }

    /// <summary>The chaining value SHA-256 starts from: where the first piece's chain enters.</summary>
    public static PieceDigest Initial { get; } = new("6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19", isFinal: false);

    /// <summary>64 lowercase hex characters.</summary>
    public string Hex { get; }

    /// <summary>True for the last piece's digest: the SHA-256 of the whole content.</summary>
    public bool IsFinal { get; }

    /// <summary>The whole content's digest, for the last piece's digest; null for a chaining value.</summary>
    public Digest? ContentDigest => IsFinal ? Digest.Parse(Digest.Sha256Prefix + Hex) : null;

    public static PieceDigest Final(Digest contentDigest) => new(contentDigest.Hex, isFinal: true);

    internal static PieceDigest Midstate(string hex) => new(hex, isFinal: false);

    public override string ToString() => (IsFinal ? Digest.Sha256Prefix : MidstatePrefix) + Hex;

    public static bool TryParse(string? text, [NotNullWhen(true)] out PieceDigest? digest, [NotNullWhen(false)] out string? error)
    {
        digest = null;
        if (text is not null && text.StartsWith(MidstatePrefix, StringComparison.Ordinal))
        {
            var hex = text.AsSpan(MidstatePrefix.Length);
            if (hex.Length != HexLength || !Core.Digest.IsLowerHex(hex))
            {
                error = $"piece digest '{(text.Length <= 90 ? text : text[..90] + "...")}' is not {MidstatePrefix} followed by 64 lowercase hex characters";
                return false;
            }
            digest = new PieceDigest(hex.ToString(), isFinal: false);
            error = null;
            return true;
        }
        if (!Core.Digest.TryParse(text, out var final, out error))
        {
            error = $"piece {error}; a piece digest is {MidstatePrefix}<64 hex> or, for the last piece, sha256:<64 hex>";
            return false;
        }
        digest = Final(final.Value);
        return true;
    }

    public static PieceDigest Parse(string text) =>
        TryParse(text, out var digest, out var error) ? digest.Value : throw new FormatException(error);

    /// <summary>The chain of <paramref name="content"/> cut in <paramref name="pieceSize"/> pieces (tests and tools).</summary>
    public static PieceDigest[] ChainOf(ReadOnlySpan<byte> content, int pieceSize)
    {
        var count = Math.Max(1, (content.Length + pieceSize - 1) / pieceSize);
        var digests = new PieceDigest[count];
        using var chain = Sha256Chain.Start();
        for (var k = 0; k < count; k++)
        {
            var piece = content.Slice(k * pieceSize, Math.Min(pieceSize, content.Length - k * pieceSize));
            chain.Append(piece);
            digests[k] = k == count - 1 ? Final(chain.Finish()) : chain.Midstate();
        }
        return digests;
    }
}
