namespace Dragonfly.Bench.Distribution;

/// <summary>
/// N clients straight from the origin. <see cref="Measured"/> is "full" when every client finished, or
/// "window" when they were measured for a while and each one's completion time extrapolated from its rate.
/// </summary>
public sealed record BaselineResult(string Measured, CompletionSummary Times, double ModelSeconds, double OriginMiBPerSecond);
