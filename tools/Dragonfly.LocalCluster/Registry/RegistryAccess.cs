namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// One request as the registry logged it when it completed (its JSON line with <c>msg</c> "response completed",
/// or "response completed with error" for 4xx/5xx). <paramref name="Uri"/> is the request URI with its query.
/// </summary>
public sealed record RegistryAccess(string Method, string Uri, int Status, long BytesWritten, string UserAgent)
{
    /// <summary>The URI without its query string.</summary>
    public string Path => Uri.Split('?', 2)[0];

    public bool IsSuccess => Status is >= 200 and < 300;
}
