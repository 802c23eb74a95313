using Dragonfly.Core;
using Dragonfly.Core.Pieces;

namespace Dragonfly.Supernode;

/// <summary>The <c>pieceSize</c> keys: how the seed cuts content into pieces (sizes as in <c>4M</c>, <c>64Mi</c>).</summary>
public sealed class PieceSizeOptions
{
    public string Min { get; set; } = "4M";
    public string Max { get; set; } = "64M";
    public int TargetCount { get; set; } = PieceSizePolicy.DefaultTargetCount;

    /// <summary>The policy, or the problem in words naming the key.</summary>
    public (PieceSizePolicy? Policy, string? Problem) ToPolicy()
    {
        if (!ByteSize.TryParse(Min, out var min) || min > int.MaxValue)
        {
            return (null, $"pieceSize:min '{Min}' is not a size; write e.g. 4M");
        }
        if (!ByteSize.TryParse(Max, out var max) || max > int.MaxValue)
        {
            return (null, $"pieceSize:max '{Max}' is not a size; write e.g. 64M");
        }
        var policy = new PieceSizePolicy((int)min, (int)max, TargetCount);
        return policy.Validate("pieceSize") is { } problem ? (null, problem) : (policy, null);
    }
}
