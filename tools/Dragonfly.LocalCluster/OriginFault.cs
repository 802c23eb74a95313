namespace Dragonfly.LocalCluster;

/// <summary>A fault the origin can inject into GET requests, as a flaky source or a load balancer in front of one would.</summary>
public enum OriginFault
{
    None,

    /// <summary>Answers 503 Service Unavailable instead of the content.</summary>
    ServiceUnavailable,

    /// <summary>Sends the headers and half the body, then resets the connection.</summary>
    ResetMidBody,
}
