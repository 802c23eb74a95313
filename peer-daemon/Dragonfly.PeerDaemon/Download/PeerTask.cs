using Dragonfly.Core;
using Dragonfly.Core.Storage;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>One download of one task on this host; every local caller asking for the same task shares it.</summary>
public sealed class PeerTask(TaskId taskId, string peerId, TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private long _completedBytes;
    private long _contentLength = -1;
    private StoredContent? _content;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskId TaskId { get; } = taskId;

    public string PeerId { get; } = peerId;

    public TrafficCounters Traffic { get; } = new();

    public long CompletedBytes => Interlocked.Read(ref _completedBytes);

    /// <summary>-1 until known.</summary>
    public long ContentLength => Interlocked.Read(ref _contentLength);

    public TimeSpan Elapsed => time.GetElapsedTime(_started);

    public Task<DownloadOutcome> Completion { get; internal set; } = null!;

    /// <summary>Where the pieces are being written; null before the download has started writing.</summary>
    public StoredContent? Content => Volatile.Read(ref _content);

    /// <summary>
    /// Completes at the next change (a piece held, new content attached, the length known). Take it before
    /// looking at the state, then await it, so no change is missed.
    /// </summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    internal void Attach(StoredContent content)
    {
        Volatile.Write(ref _content, content);
        Pulse();
    }

    internal void AddCompleted(long bytes)
    {
        Interlocked.Add(ref _completedBytes, bytes);
        Pulse();
    }

    internal void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    internal void ResetCompleted() => Interlocked.Exchange(ref _completedBytes, 0);

    internal void SetContentLength(long length)
    {
        Interlocked.Exchange(ref _contentLength, length);
        Pulse();
    }
}
