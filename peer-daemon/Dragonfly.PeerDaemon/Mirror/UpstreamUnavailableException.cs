namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>The upstream registry could not be reached or did not answer in time.</summary>
public sealed class UpstreamUnavailableException(string message, Exception inner) : Exception(message, inner);
