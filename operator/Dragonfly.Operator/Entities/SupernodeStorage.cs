using Dragonfly.Operator.Runtime.Entities;

namespace Dragonfly.Operator.Entities;

[Description("The piece cache volume: a PersistentVolumeClaim per pod, or an emptyDir when size is 0.")]
public sealed class SupernodeStorage
{
    [Description("Size of each pod's cache volume; 0 uses an emptyDir (cache lost on restart).")]
    [Pattern(DragonflyApi.QuantityPattern)]
    [DefaultValue("10Gi")]
    public string Size { get; set; } = "10Gi";

    [Description("StorageClass of the cache volumes; empty uses the cluster default.")]
    public string? StorageClassName { get; set; }
}
