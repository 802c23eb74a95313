namespace Dragonfly.Transfer;

/// <summary>
/// Headers that describe one connection, not the message (RFC 9110 §7.6.1): never passed on by anything that
/// forwards a request or relays a response.
/// </summary>
public static class HopByHopHeaders
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    };

    public static bool Contains(string name) => Names.Contains(name);
}
