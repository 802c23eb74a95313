using System.Security.Cryptography;
using System.Text;

namespace Dragonfly.Core;

/// <summary>
/// What a download asks for, less the headers: the inputs from which every node derives the same task id.
/// </summary>
/// <param name="Url">Absolute http(s) URL of the source.</param>
/// <param name="Digest">Expected digest of the whole content; when present it alone is the task id.</param>
/// <param name="Tag">Separates otherwise equal URLs.</param>
/// <param name="Range">Source range, <c>bytes=first-last</c>.</param>
/// <param name="Filter">Query parameter names ('&amp;'-separated) that do not change the content.</param>
public sealed record ContentKey(string Url, string? Digest = null, string? Tag = null, string? Range = null, string? Filter = null)
{
    /// <summary>
    /// The task id: the digest when one is given (the same layer from any registry is one task), else
    /// SHA-256 over the URL with filtered query parameters removed, the range and the tag.
    /// </summary>
    public TaskId ToTaskId()
    {
        if (!string.IsNullOrEmpty(Digest))
        {
            var digest = Core.Digest.Parse(Digest);
            return string.IsNullOrEmpty(Range) ? TaskId.FromDigest(digest) : Hash($"{digest}|range={Range}");
        }
        var builder = new StringBuilder(NormalizeUrl(Url, Filter));
        if (!string.IsNullOrEmpty(Range))
        {
            builder.Append("|range=").Append(Range);
        }
        if (!string.IsNullOrEmpty(Tag))
        {
            builder.Append("|tag=").Append(Tag);
        }
        return Hash(builder.ToString());
    }

    /// <summary>Checks that the key can name a download; returns the problem in words, or null.</summary>
    public string? Validate()
    {
        if (!HttpUrl.TryParse(Url, out _))
        {
            return $"url '{Url}' is not an absolute http or https URL";
        }
        if (!string.IsNullOrEmpty(Digest) && !Core.Digest.TryParse(Digest, out _, out var error))
        {
            return error;
        }
        if (!string.IsNullOrEmpty(Range) && !ByteRange.TryParse(Range, out _))
        {
            return $"range '{Range}' is not of the form bytes=<first>-<last>";
        }
        return null;
    }

    private static string NormalizeUrl(string url, string? filter)
    {
        var uri = new Uri(url, UriKind.Absolute);
        var dropped = (filter ?? string.Empty).Split('&', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        var query = uri.Query.TrimStart('?');
        var kept = dropped.Count == 0 || query.Length == 0
            ? query
            : string.Join('&', query.Split('&').Where(pair => !dropped.Contains(pair.Split('=', 2)[0])));
        var left = uri.GetLeftPart(UriPartial.Path);
        return kept.Length == 0 ? left : left + "?" + kept;
    }

    private static TaskId Hash(string text) => TaskId.FromDigest(Core.Digest.FromHash(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
}
