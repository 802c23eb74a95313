using System.Globalization;
using Dragonfly.Oci;
using Microsoft.Extensions.Primitives;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>The part of a blob a client asked for: all of it, or one <c>Range: bytes=</c> range.</summary>
public readonly record struct BlobRange(long Offset, long Length, bool IsPartial)
{
    public string ContentRange(long total) => $"bytes {Offset}-{Offset + Length - 1}/{total}";

    /// <summary>Parses <c>bytes=a-b</c>, <c>bytes=a-</c> or <c>bytes=-n</c> against a blob of <paramref name="total"/> bytes.</summary>
    public static (BlobRange? Range, OciError? Error) Parse(StringValues header, long total)
    {
        if (header.Count == 0)
        {
            return (new BlobRange(0, total, false), null);
        }
        var text = header.Count == 1 ? header[0]! : string.Join(',', header.ToArray());
        if (!text.StartsWith("bytes=", StringComparison.Ordinal) || text.Contains(',', StringComparison.Ordinal))
        {
            return (null, OciError.RangeInvalid($"Range '{Shorten(text)}' is not one byte range (bytes=first-last, bytes=first- or bytes=-suffix)"));
        }
        var spec = text.AsSpan(6).Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return (null, OciError.RangeInvalid($"Range '{Shorten(text)}' has no '-'"));
        }
        var firstText = spec[..dash].Trim();
        var lastText = spec[(dash + 1)..].Trim();
        long first, last;
        if (firstText.IsEmpty)
        {
            if (!TryNumber(lastText, out var suffix) || suffix == 0)
            {
                return (null, OciError.RangeInvalid($"Range '{Shorten(text)}' has an invalid suffix length"));
            }
            first = Math.Max(0, total - suffix);
            last = total - 1;
        }
        else
        {
            var requestedLast = long.MaxValue;
            if (!TryNumber(firstText, out first) || (!lastText.IsEmpty && (!TryNumber(lastText, out requestedLast) || requestedLast < first)))
            {
                return (null, OciError.RangeInvalid($"Range '{Shorten(text)}' is not first-last with first <= last"));
            }
            last = Math.Min(requestedLast, total - 1);
        }
        if (first >= total || total == 0)
        {
            return (null, OciError.RangeInvalid($"Range '{Shorten(text)}' starts at or beyond the end of the {total}-byte blob"));
        }
        return (new BlobRange(first, last - first + 1, true), null);
    }

    private static bool TryNumber(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
