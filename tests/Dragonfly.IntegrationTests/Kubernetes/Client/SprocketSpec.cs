using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

public sealed class SprocketSpec
{
    [RangeMinimum(Minimum = 1)]
    public int Teeth { get; set; } = 12;

    public SprocketFinish Finish { get; set; } = SprocketFinish.Matte;
}
