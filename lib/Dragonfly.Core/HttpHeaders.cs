namespace Dragonfly.Core;

/// <summary>Checks header names and values that users hand us to forward to a source.</summary>
public static class HttpHeaders
{
    /// <summary>
    /// Copies <paramref name="headers"/> into a case-insensitive dictionary (last one wins); returns the first
    /// invalid header in words, or null.
    /// </summary>
    public static string? TryCollect(IEnumerable<KeyValuePair<string, string>> headers, out Dictionary<string, string> collected)
    {
        collected = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                return $"header name '{Printable(name)}' is not a valid HTTP header name";
            }
            if (value.Any(c => c is '\r' or '\n' or '\0'))
            {
                return $"header '{name}' has a line break or NUL in its value";
            }
            collected[name] = value;
        }
        return null;
    }

    private static string Printable(string text) =>
        new(text.Take(80).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
