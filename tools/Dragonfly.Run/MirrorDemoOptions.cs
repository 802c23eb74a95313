using System.Globalization;
using Dragonfly.Core;

namespace Dragonfly.Run;

/// <summary>
/// What <c>make run-mirror</c> builds and how many nodes pull it: <c>LAYERS</c> (comma-separated layer sizes),
/// <c>SIZE</c> (the image's total, the layers scaled to it) and <c>PEERS</c> (nodes), from the environment.
/// </summary>
public sealed class MirrorDemoOptions
{
    public static readonly IReadOnlyList<long> DefaultLayerSizes = [2L << 20, 8L << 20, 16L << 20, 32L << 20, 96L << 20];

    public IReadOnlyList<long> LayerSizes { get; init; } = DefaultLayerSizes;

    /// <summary>Peer daemons, each with its own containerd pulling through its mirror.</summary>
    public int Nodes { get; init; } = 3;

    public string Repository { get; init; } = "demo/app";

    public string Tag { get; init; } = "v1";

    /// <summary>Reads LAYERS, SIZE and PEERS; null with <paramref name="error"/> set when one does not parse.</summary>
    public static MirrorDemoOptions? FromEnvironment(out string error)
    {
        error = "";
        var layers = DefaultLayerSizes;
        if (Environment.GetEnvironmentVariable("LAYERS") is { Length: > 0 } list)
        {
            var parsed = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(text => ByteSize.TryParse(text, out var bytes) && bytes > 0 ? bytes : -1).ToList();
            if (parsed.Count == 0 || parsed.Contains(-1))
            {
                error = $"LAYERS must be positive sizes separated by commas (e.g. LAYERS=2M,8M,96M), not '{list}'";
                return null;
            }
            layers = parsed;
        }
        if (Environment.GetEnvironmentVariable("SIZE") is { Length: > 0 } sizeText)
        {
            if (!ByteSize.TryParse(sizeText, out var total) || total < layers.Count)
            {
                error = $"SIZE must be the image's total size, at least one byte per layer (e.g. SIZE=1G), not '{sizeText}'";
                return null;
            }
            var scale = (double)total / layers.Sum();
            layers = layers.Select(size => Math.Max(1, (long)(size * scale))).ToList();
        }
        var nodes = 3;
        if (Environment.GetEnvironmentVariable("PEERS") is { Length: > 0 } peers
            && (!int.TryParse(peers, NumberStyles.None, CultureInfo.InvariantCulture, out nodes) || nodes < 1))
        {
            error = $"PEERS must be at least 1, not '{peers}'";
            return null;
        }
        return new MirrorDemoOptions { LayerSizes = layers, Nodes = nodes };
    }
}
