namespace Dragonfly.Operator.Runtime.Events;

public enum EventType
{
    Normal,
    Warning,
}
