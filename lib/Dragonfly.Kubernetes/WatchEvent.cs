namespace Dragonfly.Kubernetes;

/// <summary>One change seen on a watch.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T Object);
