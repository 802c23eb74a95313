using System.Globalization;

namespace Dragonfly.Grpc.Protocol;

/// <summary>The <c>grpc-timeout</c> header: 1 to 8 ASCII digits followed by a unit (H M S m u n).</summary>
internal static class GrpcTimeout
{
    private const int MaxDigits = 8;
    private const long MaxValue = 99_999_999;

    /// <summary>The longest delay a timer accepts; longer timeouts are treated as no timer.</summary>
    public static readonly TimeSpan MaxTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private static readonly (char Unit, long Nanoseconds)[] Units =
    [
        ('n', 1),
        ('u', 1_000),
        ('m', 1_000_000),
        ('S', 1_000_000_000),
        ('M', 60_000_000_000),
        ('H', 3_600_000_000_000),
    ];

    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (string.IsNullOrEmpty(value) || value.Length < 2 || value.Length > MaxDigits + 1)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        foreach (var (unit, nanoseconds) in Units)
        {
            if (unit == value[^1])
            {
                var ticks = (decimal)amount * nanoseconds / (decimal)(1_000_000_000 / TimeSpan.TicksPerSecond);
                timeout = TimeSpan.FromTicks((long)Math.Ceiling(ticks));
                return true;
            }
        }

        return false;
    }

    /// <summary>Formats with the finest unit whose value fits in 8 digits, rounding up so the peer never waits less.</summary>
    public static string Format(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        var nanoseconds = (decimal)timeout.Ticks * (1_000_000_000 / TimeSpan.TicksPerSecond);
        foreach (var (unit, unitNanoseconds) in Units)
        {
            var amount = Math.Ceiling(nanoseconds / unitNanoseconds);
            if (amount <= MaxValue)
            {
                return ((long)amount).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }
}
