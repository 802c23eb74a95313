using Dragonfly.Core;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Protocol;

public static class UrlMetaExtensions
{
    /// <summary>The content key (url + meta, without headers) from which the task id is derived.</summary>
    public static ContentKey ToContentKey(this UrlMeta? meta, string url) =>
        new(url, NullIfEmpty(meta?.Digest), NullIfEmpty(meta?.Tag), NullIfEmpty(meta?.Range), NullIfEmpty(meta?.Filter));

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
