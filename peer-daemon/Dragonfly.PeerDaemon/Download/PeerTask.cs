using Dragonfly.Core;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>One download of one task on this host; every local caller asking for the same task shares it.</summary>
public sealed class PeerTask(TaskId taskId, string peerId, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _completedBytes;
    private long _contentLength = -1;

    public TaskId TaskId { get; } = taskId;

    public string PeerId { get; } = peerId;

    public TrafficCounters Traffic { get; } = new();

    public long CompletedBytes => Interlocked.Read(ref _completedBytes);

    /// <summary>-1 until known.</summary>
    public long ContentLength => Interlocked.Read(ref _contentLength);

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public Task<DownloadOutcome> Completion { get; internal set; } = null!;

    internal void AddCompleted(long bytes) => Interlocked.Add(ref _completedBytes, bytes);

    internal void ResetCompleted() => Interlocked.Exchange(ref _completedBytes, 0);

    internal void SetContentLength(long length) => Interlocked.Exchange(ref _contentLength, length);
}
