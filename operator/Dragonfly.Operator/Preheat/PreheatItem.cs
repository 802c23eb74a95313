using Dragonfly.Core;

namespace Dragonfly.Operator.Preheat;

/// <summary>One blob or file to warm, with the headers the supernode sends to its source (never written to status).</summary>
public sealed record PreheatItem(string Source, string Url, string? Digest, long? Bytes, IReadOnlyDictionary<string, string> Headers)
{
    public TaskId TaskId => new ContentKey(Url, Digest).ToTaskId();

    /// <summary>The URL as status and events may show it: without its query, which can carry a signature or token.</summary>
    public string DisplayUrl => Redact(Url);

    /// <summary>The source as status may show it (a URL loses its query).</summary>
    public string DisplaySource => HttpUrl.TryParse(Source, out _) ? Redact(Source) : Source;

    private static string Redact(string url) =>
        HttpUrl.TryParse(url, out var uri) && uri.Query.Length > 1 ? uri.GetLeftPart(UriPartial.Path) + "?…" : url;
}
