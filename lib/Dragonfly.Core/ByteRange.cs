using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Dragonfly.Core;

/// <summary>An inclusive byte range, as in <c>Range: bytes=first-last</c>.</summary>
public readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    public override string ToString() => $"bytes={First}-{Last}";

    /// <summary>Parses a single closed range <c>bytes=first-last</c> (what piece transfer uses).</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out ByteRange? range)
    {
        range = null;
        if (text is null || !text.StartsWith("bytes=", StringComparison.Ordinal))
        {
            return false;
        }
        var spec = text.AsSpan(6);
        var dash = spec.IndexOf('-');
        if (dash <= 0 || dash == spec.Length - 1)
        {
            return false;
        }
        if (!long.TryParse(spec[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(spec[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first
            || last - first == long.MaxValue) // its Length would not fit in a long
        {
            return false;
        }
        range = new ByteRange(first, last);
        return true;
    }
}
