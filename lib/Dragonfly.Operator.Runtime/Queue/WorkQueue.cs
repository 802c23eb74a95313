namespace Dragonfly.Operator.Runtime.Queue;

/// <summary>
/// Keys waiting to be reconciled. A key is queued at most once however often it is added; a key being processed
/// is not handed to a second worker, and if it is added meanwhile it comes back once the worker is done. Failed
/// keys come back after an exponential backoff per key (<see cref="AddRateLimited"/>) until <see cref="Forget"/>.
/// Same contract as client-go's rate-limited work queue.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _ready = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Dictionary<TKey, (ITimer Timer, long Due)> _delayed = []; // Due: a monotonic timestamp (TimeProvider.GetTimestamp)
    private readonly SemaphoreSlim _available = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private bool _shuttingDown;

    public WorkQueue(TimeProvider time, TimeSpan? baseDelay = null, TimeSpan? maxDelay = null)
    {
        _time = time;
        _baseDelay = baseDelay ?? TimeSpan.FromMilliseconds(500);
        _maxDelay = maxDelay ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Keys waiting (not counting delayed or in-process ones).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _ready.Count;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }
            if (_delayed.Remove(key, out var delayed))
            {
                delayed.Timer.Dispose();
            }
            if (!_processing.Contains(key))
            {
                _ready.Enqueue(key);
                _available.Release();
            }
        }
    }

    /// <summary>Adds the key after <paramref name="delay"/>; an earlier pending delay for the key wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_gate)
        {
            if (_shuttingDown || _dirty.Contains(key))
            {
                return;
            }
            var due = _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency);
            if (_delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }
                existing.Timer.Dispose();
            }
            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                lock (_gate)
                {
                    if (!_delayed.TryGetValue(key, out var current) || !ReferenceEquals(current.Timer, timer))
                    {
                        return;
                    }
                    // A timer may fire a few milliseconds early (a 300 ms requeue came after 294.5 ms): the key is
                    // never added before it is due.
                    var early = current.Due - _time.GetTimestamp();
                    if (early > 0)
                    {
                        timer.Change(TimeSpan.FromSeconds((double)early / _time.TimestampFrequency) + TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
                        return;
                    }
                    _delayed.Remove(key);
                }
                Add(key);
            }, null, delay, Timeout.InfiniteTimeSpan);
            _delayed[key] = (timer, due);
        }
    }

    /// <summary>Adds the key after its backoff: base · 2^(failures), capped. Returns the delay used.</summary>
    public TimeSpan AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            var exponential = _baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30));
            delay = TimeSpan.FromMilliseconds(Math.Min(exponential, _maxDelay.TotalMilliseconds));
        }
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>Resets the key's backoff after a success.</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>The next key; the caller must call <see cref="Done"/> with it. Throws <see cref="OperationCanceledException"/> when the queue shuts down.</summary>
    public async Task<TKey> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token))
            {
                await _available.WaitAsync(either.Token);
            }
            lock (_gate)
            {
                if (_ready.TryDequeue(out var key))
                {
                    _dirty.Remove(key);
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key))
            {
                _ready.Enqueue(key);
                _available.Release();
            }
        }
    }

    public void ShutDown()
    {
        lock (_gate)
        {
            _shuttingDown = true;
            foreach (var delayed in _delayed.Values)
            {
                delayed.Timer.Dispose();
            }
            _delayed.Clear();
        }
        _shutdown.Cancel();
    }

    public void Dispose()
    {
        ShutDown();
        _shutdown.Dispose();
        _available.Dispose();
    }
}
