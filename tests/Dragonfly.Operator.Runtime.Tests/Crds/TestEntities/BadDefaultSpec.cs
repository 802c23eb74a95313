using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

public sealed class BadDefaultSpec
{
    [DefaultValue("three")]
    public int Replicas { get; set; }
}
