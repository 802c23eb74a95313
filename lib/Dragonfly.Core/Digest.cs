using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Dragonfly.Core;

/// <summary>A content digest in OCI form, <c>sha256:&lt;64 lowercase hex&gt;</c>. Only SHA-256 is accepted.</summary>
public readonly record struct Digest
{
    public const string Sha256Prefix = "sha256:";
    private const int HexLength = 64;

    private Digest(string hex) => Hex = hex;

    /// <summary>The 64 lowercase hex characters.</summary>
    public string Hex { get; }

    public override string ToString() => Sha256Prefix + Hex;

    public static Digest FromHash(ReadOnlySpan<byte> sha256) =>
        sha256.Length == SHA256.HashSizeInBytes
            ? new Digest(Convert.ToHexStringLower(sha256))
            : throw new ArgumentException($"a SHA-256 hash is {SHA256.HashSizeInBytes} bytes, got {sha256.Length}", nameof(sha256));

    public static Digest Compute(ReadOnlySpan<byte> data) => FromHash(SHA256.HashData(data));

    /// <summary>Parses <c>sha256:&lt;hex&gt;</c>; the error says what is wrong in words a user can act on.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Digest? digest, [NotNullWhen(false)] out string? error)
    {
        digest = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "digest is empty; expected sha256:<64 hex characters>";
            return false;
        }
        if (!text.StartsWith(Sha256Prefix, StringComparison.Ordinal))
        {
            var colon = text.IndexOf(':');
            error = colon > 0
                ? $"digest algorithm '{text[..colon]}' is not supported; only sha256 is"
                : $"digest '{Truncate(text)}' has no algorithm; expected sha256:<64 hex characters>";
            return false;
        }
        var hex = text.AsSpan(Sha256Prefix.Length);
        if (hex.Length != HexLength || !IsLowerHex(hex))
        {
            error = $"digest '{Truncate(text)}' is not sha256 followed by 64 lowercase hex characters";
            return false;
        }
        digest = new Digest(hex.ToString());
        error = null;
        return true;
    }

    public static Digest Parse(string text) =>
        TryParse(text, out var digest, out var error) ? digest.Value : throw new FormatException(error);

    internal static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
            {
                return false;
            }
        }
        return true;
    }

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
