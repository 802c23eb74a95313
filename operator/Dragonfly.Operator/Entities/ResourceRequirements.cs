using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

[Description("Compute resources, as in a container spec.")]
public sealed class ResourceRequirements
{
    [Description("Most the container may use, e.g. cpu: 2, memory: 2Gi.")]
    public Dictionary<string, string>? Limits { get; set; }

    [Description("What the scheduler reserves, e.g. cpu: 500m, memory: 512Mi.")]
    public Dictionary<string, string>? Requests { get; set; }
}
