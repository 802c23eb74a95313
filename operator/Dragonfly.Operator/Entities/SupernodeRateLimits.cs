using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

[Description("Bytes per second; 0 is unlimited.")]
public sealed class SupernodeRateLimits
{
    [Description("Limit for fetching content from its source (the registry), per pod.")]
    [Pattern(DragonflyApi.QuantityPattern)]
    [DefaultValue("0")]
    public string BackToSource { get; set; } = "0";

    [Description("Limit for serving pieces to peers, per pod.")]
    [Pattern(DragonflyApi.QuantityPattern)]
    [DefaultValue("0")]
    public string Upload { get; set; } = "0";
}
