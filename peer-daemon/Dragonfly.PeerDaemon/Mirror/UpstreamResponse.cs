namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>An upstream registry's response, and the credentials it was obtained with (the client's or an anonymous token).</summary>
public sealed record UpstreamResponse(HttpResponseMessage Message, string? Authorization) : IDisposable
{
    public void Dispose() => Message.Dispose();
}
