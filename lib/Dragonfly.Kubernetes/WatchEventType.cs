namespace Dragonfly.Kubernetes;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
    /// <summary>Only the resourceVersion moved: a checkpoint to resume from.</summary>
    Bookmark,
}
