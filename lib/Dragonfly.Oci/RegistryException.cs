namespace Dragonfly.Oci;

/// <summary>A registry call that failed, with what kind of failure and the details in words.</summary>
public sealed class RegistryException(RegistryErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public RegistryErrorKind Kind { get; } = kind;

    public bool IsRetryable => Kind == RegistryErrorKind.Unreachable;
}
