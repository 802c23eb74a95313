namespace Dragonfly.Supernode.Scheduling;

public enum PeerPhase
{
    /// <summary>Registered, no piece stream yet.</summary>
    Registered,
    /// <summary>Downloading with a piece stream open.</summary>
    Running,
    /// <summary>Holds the whole content and serves it; its stream may be closed.</summary>
    Succeeded,
}
