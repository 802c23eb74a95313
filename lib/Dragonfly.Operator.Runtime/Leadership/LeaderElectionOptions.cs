namespace Dragonfly.Operator.Runtime.Leadership;

/// <summary>Lease-based leader election, with client-go's default timings.</summary>
public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; } = true;
    public string LeaseName { get; set; } = "dragonfly-operator";
    /// <summary>Namespace of the Lease; defaults to the operator's own namespace.</summary>
    public string? LeaseNamespace { get; set; }
    /// <summary>This instance's name in the Lease; defaults to the host name (the pod name).</summary>
    public string? Identity { get; set; }
    /// <summary>How long a lease that is not renewed stays with its holder.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>The leader gives up if it cannot renew for this long.</summary>
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
