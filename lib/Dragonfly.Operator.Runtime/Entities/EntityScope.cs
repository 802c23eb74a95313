namespace Dragonfly.Operator.Runtime.Entities;

public enum EntityScope
{
    Namespaced,
    Cluster,
}
