using Dragonfly.Core;

namespace Dragonfly.Supernode.Seeding;

/// <summary>Builds the request to a source: the user's headers (auth, cookies) pass, hop-by-hop ones do not.</summary>
internal static class SourceRequest
{
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Content-Length", "Range", "Accept-Encoding",
    };

    public static HttpRequestMessage Create(ContentKey key, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, key.Url);
        foreach (var (name, value) in headers)
        {
            if (!NotForwarded.Contains(name))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (!string.IsNullOrEmpty(key.Range))
        {
            request.Headers.TryAddWithoutValidation("Range", key.Range);
        }
        return request;
    }
}
