using System.Collections;

namespace Dragonfly.Grpc;

/// <summary>
/// gRPC custom metadata (request headers, response trailers). Keys are lowercased on add and may contain
/// only <c>0-9 a-z _ - .</c>. Values of ordinary keys are printable ASCII; keys ending in <c>-bin</c> carry
/// binary data, and their value is its base64 text exactly as sent on the wire.
/// </summary>
public sealed class Metadata : IEnumerable<Metadata.Entry>
{
    public const string BinaryHeaderSuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public void Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = NormalizeKey(key);
        if (normalized.EndsWith(BinaryHeaderSuffix, StringComparison.Ordinal))
        {
            if (!IsBase64(value))
            {
                throw new ArgumentException($"Value of binary metadata key '{normalized}' must be base64 text.", nameof(value));
            }
        }
        else if (!IsPrintableAscii(value))
        {
            throw new ArgumentException($"Value of metadata key '{normalized}' must be printable ASCII.", nameof(value));
        }

        _entries.Add(new Entry(normalized, value));
    }

    /// <summary>The first value stored under <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds a header received from the wire: lowercased, values not re-validated.</summary>
    internal void AddReceived(string key, string value) => _entries.Add(new Entry(key.ToLowerInvariant(), value));

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var normalized = key.ToLowerInvariant();
        foreach (var c in normalized)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.';
            if (!valid)
            {
                throw new ArgumentException($"Metadata key '{key}' contains the invalid character '{c}'.", nameof(key));
            }
        }

        return normalized;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsBase64(string value)
    {
        // Convert skips whitespace, which would then go on the wire inside a header value: only the alphabet counts.
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
        {
            return false;
        }
        var padded = value.Length % 4 == 0 ? value : value.PadRight(value.Length + (4 - (value.Length % 4)), '=');
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out _);
    }

    /// <summary>One key/value pair.</summary>
    public sealed record Entry(string Key, string Value);
}
