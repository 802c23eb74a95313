namespace Dragonfly.LocalCluster;

/// <summary>
/// The loopback address of each peer "host": 127.0.0.11, .12, ... up to 127.0.0.254, then on through
/// 127.0.1.1 ... 127.0.1.254, 127.0.2.1 ... (the whole 127.0.0.0/8 is loopback on Linux), so a cluster may
/// have more peers than one /24 holds. Addresses ending in .0 or .255 are skipped.
/// </summary>
public static class PeerAddresses
{
    private const int FirstHost = 11;
    private const int HostsPerBlock = 254;

    public static string Of(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var n = FirstHost - 1 + index; // 0-based position counting from 127.0.0.1
        return $"127.0.{n / HostsPerBlock}.{1 + n % HostsPerBlock}";
    }
}
