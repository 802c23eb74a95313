using System.Net;
using Dragonfly.Core;

namespace Dragonfly.Transfer;

/// <summary>
/// Requests to a source (an origin or registry), made the same way by the seed and by a peer that goes back to
/// the source: the user's headers (auth, cookies) pass, hop-by-hop ones do not; redirects are followed
/// (registries redirect blobs to object stores) and nothing is decompressed.
/// </summary>
public static class SourceRequests
{
    /// <summary>Besides hop-by-hop ones: the request's own framing, and what the download itself decides.</summary>
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Range", "Accept-Encoding",
    };

    public static HttpRequestMessage Create(ContentKey key, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, key.Url);
        foreach (var (name, value) in headers)
        {
            if (!NotForwarded.Contains(name) && !HopByHopHeaders.Contains(name))
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

    /// <summary>The status a source must answer with: 200, or 206 for a ranged task.</summary>
    public static HttpStatusCode ExpectedStatus(ContentKey key) =>
        string.IsNullOrEmpty(key.Range) ? HttpStatusCode.OK : HttpStatusCode.PartialContent;

    /// <summary>A client for sources; <paramref name="ssl"/> adds trust (a registry's own CA) to the system store.</summary>
    public static HttpClient CreateClient(System.Net.Security.SslClientAuthenticationOptions? ssl = null) =>
        new(new SocketsHttpHandler
        {
            SslOptions = ssl ?? new System.Net.Security.SslClientAuthenticationOptions(),
            AllowAutoRedirect = true,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            UseCookies = false,
        })
        { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Why a request to a source failed, in words that say what to do about it.</summary>
    public static string DescribeFailure(Uri url, Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Security.Authentication.AuthenticationException tls)
            {
                return $"the TLS certificate of {url.Authority} is not trusted ({tls.Message}); " +
                    "if it comes from your own CA, give that CA to the supernode and peers as tls:sourceCaFile";
            }
        }
        return $"fetching {url} failed: {e.Message}";
    }
}
