namespace Dragonfly.Operator.Runtime.Controllers;

public sealed class ControllerOptions
{
    /// <summary>Namespace to watch; null watches all namespaces.</summary>
    public string? Namespace { get; set; }
    /// <summary>Keys reconciled at once (never the same key twice at once).</summary>
    public int Workers { get; set; } = 2;
    /// <summary>First retry delay of a failing key; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan BaseBackoff { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>
    /// On shutdown or a lost lease, how long running reconciles may go on before they are cancelled. Kept below the
    /// gap between the lease duration and the renew deadline (15 s - 10 s by default), so a deposed leader's last
    /// writes end before a standby may start.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(4);
}
