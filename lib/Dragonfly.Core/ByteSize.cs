using System.Globalization;

namespace Dragonfly.Core;

/// <summary>
/// Parses and prints byte counts the way users write them: <c>512</c>, <c>64K</c>, <c>20M</c>, <c>1.5G</c>,
/// <c>100MiB</c>, <c>10MB</c>. K/M/G/T and KiB/MiB/... are binary (1024); KB/MB/GB/TB are decimal (1000).
/// </summary>
public static class ByteSize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var span = text.Trim();
        var split = 0;
        while (split < span.Length && (char.IsAsciiDigit(span[split]) || span[split] == '.'))
        {
            split++;
        }
        if (split == 0 || !double.TryParse(span[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        double? multiplier = span[split..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KI" or "KIB" => 1L << 10,
            "M" or "MI" or "MIB" => 1L << 20,
            "G" or "GI" or "GIB" => 1L << 30,
            "T" or "TI" or "TIB" => 1L << 40,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            _ => null,
        };
        if (multiplier is null || number * multiplier.Value > long.MaxValue)
        {
            return false;
        }
        bytes = (long)(number * multiplier.Value);
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"'{text}' is not a size; write e.g. 512, 64K, 20M, 1.5G or 100MiB");

    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }
}
