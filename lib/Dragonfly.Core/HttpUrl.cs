using System.Diagnostics.CodeAnalysis;

namespace Dragonfly.Core;

/// <summary>Absolute http and https URLs with a host: the only sources, registries and endpoints this system talks to.</summary>
public static class HttpUrl
{
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        // The scheme is checked before Uri parses: Uri.TryCreate throws IndexOutOfRangeException instead of returning
        // false for some other inputs, e.g. "//\u202E" or "file://\u202E" (.NET 10.0.12; found by the fuzz run).
        if (text is null
            || !(text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || !Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https")
            || parsed.Host.Length == 0)
        {
            return false;
        }
        uri = parsed;
        return true;
    }
}
