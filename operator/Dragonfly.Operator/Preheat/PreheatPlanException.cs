namespace Dragonfly.Operator.Preheat;

/// <summary>Why a PreheatTask cannot be planned; <see cref="IsRetryable"/> when waiting may help (registry unreachable).</summary>
public sealed class PreheatPlanException(string message, bool isRetryable, Exception? inner = null) : Exception(message, inner)
{
    public bool IsRetryable { get; } = isRetryable;
}
