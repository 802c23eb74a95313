namespace Dragonfly.Oci;

public enum RegistryErrorKind
{
    /// <summary>The repository, tag or digest does not exist.</summary>
    NotFound,
    /// <summary>The registry refused the credentials (or their absence).</summary>
    Unauthorized,
    /// <summary>The registry could not be reached or failed (network, 5xx, timeout): worth retrying.</summary>
    Unreachable,
    /// <summary>The registry answered something that is not a valid manifest.</summary>
    Invalid,
}
