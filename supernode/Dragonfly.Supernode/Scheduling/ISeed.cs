using Dragonfly.Core;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Supernode.Scheduling;

/// <summary>The scheduler's view of the CDN seed: where it serves from, what it has cached, and how to start a fetch.</summary>
public interface ISeed
{
    /// <summary>The host peers fetch seed pieces from.</summary>
    HostInfo Host { get; }

    /// <summary>Completed content already in the seed's cache (from an earlier fetch or run), else null.</summary>
    SeedSnapshot? TryGetCompleted(TaskId taskId);

    /// <summary>
    /// Starts the one back-to-source fetch of a task. Progress is reported to <paramref name="observer"/>;
    /// the scheduler calls this once per task attempt.
    /// </summary>
    void StartFetch(TaskId taskId, ContentKey key, IReadOnlyDictionary<string, string> headers, ISeedObserver observer);
}
