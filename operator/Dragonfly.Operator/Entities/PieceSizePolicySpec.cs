using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

[Description("Pieces are at least min bytes; content of more than targetCount min-sized pieces gets larger power-of-two pieces, up to max.")]
public sealed class PieceSizePolicySpec
{
    [Pattern(DragonflyApi.QuantityPattern)]
    [DefaultValue("4Mi")]
    public string Min { get; set; } = "4Mi";

    [Pattern(DragonflyApi.QuantityPattern)]
    [DefaultValue("64Mi")]
    public string Max { get; set; } = "64Mi";

    [RangeMinimum(Minimum = 1)]
    [DefaultValue(1024)]
    public int TargetCount { get; set; } = 1024;
}
