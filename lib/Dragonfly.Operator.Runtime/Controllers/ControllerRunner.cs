using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Informers;
using Dragonfly.Operator.Runtime.Queue;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Operator.Runtime.Controllers;

/// <summary>
/// Runs one controller: an informer for <typeparamref name="TEntity"/> (and for each owned kind, whose changes
/// queue their controlling owner), a de-duplicating work queue, and workers that hand the latest cached copy to
/// the reconciler. Keeps the finalizer on live entities, runs it when they are deleted, and turns results into
/// requeues: success forgets the key's backoff, failure retries with it.
/// </summary>
public sealed partial class ControllerRunner<TEntity> : IControllerRunner where TEntity : class, IKubernetesObject
{
    private readonly KubernetesClient _client;
    private readonly Func<IEntityController<TEntity>> _controller;
    private readonly IEntityFinalizer<TEntity>? _finalizer;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Informer<TEntity> _informer;
    private readonly List<Func<CancellationToken, Task>> _ownedInformers = [];
    private readonly WorkQueue<ObjectKey> _queue;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ObjectKey, long?> _generations = new();

    public ControllerRunner(KubernetesClient client, Func<IEntityController<TEntity>> controller, IEntityFinalizer<TEntity>? finalizer,
        ControllerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _client = client;
        _controller = controller;
        _finalizer = finalizer;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger($"Dragonfly.Operator.Controller.{typeof(TEntity).Name}");
        _informer = new Informer<TEntity>(client, options.Namespace, null, time, loggers.CreateLogger<Informer<TEntity>>());
        _queue = new WorkQueue<ObjectKey>(time, options.BaseBackoff, options.MaxBackoff);
        _informer.AddHandler(OnEntityChanged);
    }

    public string Name => typeof(TEntity).Name;

    /// <summary>The cache of <typeparamref name="TEntity"/>.</summary>
    public Informer<TEntity> Informer => _informer;

    public WorkQueue<ObjectKey> Queue => _queue;

    /// <summary>Also watches <typeparamref name="TOwned"/> objects (optionally by label) and queues the owner a change belongs to.</summary>
    public ControllerRunner<TEntity> Owns<TOwned>(string? labelSelector = null, ILogger? logger = null) where TOwned : class, IKubernetesObject
    {
        var ownerKind = EntityInfo.Of<TEntity>().Kind;
        var informer = new Informer<TOwned>(_client, _options.Namespace, labelSelector, _time, logger ?? _logger);
        informer.AddHandler((_, owned) =>
        {
            if (owned.ControllerName(ownerKind) is { } owner)
            {
                _queue.Add(new ObjectKey(owned.Metadata.Namespace, owner));
            }
        });
        _ownedInformers.Add(informer.RunAsync);
        return this;
    }

    /// <summary>
    /// Queues the entity when it appears, disappears, is being deleted or its spec changed (a new generation); a
    /// change of status or metadata alone (often our own status write) does not trigger a reconcile, so that
    /// requeue delays and backoff hold. Owned objects and RequeueAfter cover everything else.
    /// </summary>
    private void OnEntityChanged(WatchEventType type, TEntity entity)
    {
        var key = ObjectKey.Of(entity);
        if (type == WatchEventType.Deleted)
        {
            _generations.TryRemove(key, out _);
            _queue.Add(key);
            return;
        }
        var generation = entity.Metadata.Generation;
        var isNew = !_generations.TryGetValue(key, out var seen) || seen != generation;
        _generations[key] = generation;
        if (isNew || entity.Metadata.DeletionTimestamp is not null)
        {
            _queue.Add(key);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var informersStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var informers = _ownedInformers.Select(run => run(informersStop.Token)).Append(_informer.RunAsync(informersStop.Token)).ToArray();
        using var hardStop = new CancellationTokenSource();
        await using var graceful = cancellationToken.Register(() =>
        {
            _queue.ShutDown();
            hardStop.CancelAfter(_options.ShutdownGrace);
        });
        LogStarting(Name, _options.Namespace ?? "all namespaces", _options.Workers);
        try
        {
            await _informer.Synced.WaitAsync(cancellationToken);
            var workers = Enumerable.Range(0, _options.Workers).Select(_ => WorkAsync(hardStop.Token)).ToArray();
            await Task.WhenAll(workers);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await informersStop.CancelAsync();
            await Task.WhenAll(informers);
            LogStopped(Name);
        }
    }

    private async Task WorkAsync(CancellationToken hardStop)
    {
        while (true)
        {
            ObjectKey key;
            try
            {
                key = await _queue.TakeAsync(CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await ProcessAsync(key, hardStop);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    private async Task ProcessAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var entity = _informer.Get(key);
        if (entity is null)
        {
            _queue.Forget(key);
            return;
        }
        var started = _time.GetTimestamp();
        ReconciliationResult result;
        try
        {
            result = entity.Metadata.DeletionTimestamp is not null
                ? await FinalizeAsync(entity, cancellationToken)
                : await ReconcileAsync(entity, cancellationToken);
        }
        catch (KubernetesException e) when (e.IsConflict)
        {
            // Someone wrote the object after our copy was read. The watch brings the newer copy, but it queues the key
            // only for a new generation, and a metadata or status change is none: look again after the key's backoff.
            LogConflict(key.ToString(), e.Message);
            _queue.AddRateLimited(key);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = ReconciliationResult.Failure(e.Message, e);
        }
        ControllerMetrics.Reconciled(Name, result.IsSuccess, _time.GetElapsedTime(started));
        if (result.IsSuccess)
        {
            _queue.Forget(key);
            if (result.RequeueAfter is { } after)
            {
                _queue.AddAfter(key, after);
            }
            return;
        }
        var delay = result.RequeueAfter ?? _queue.AddRateLimited(key);
        if (result.RequeueAfter is { } explicitDelay)
        {
            _queue.AddAfter(key, explicitDelay);
        }
        LogFailed(result.Error, key.ToString(), result.ErrorMessage ?? "failed", _queue.Failures(key), delay.TotalSeconds);
    }

    private async Task<ReconciliationResult> ReconcileAsync(TEntity entity, CancellationToken cancellationToken)
    {
        if (_finalizer is not null && !(entity.Metadata.Finalizers?.Contains(_finalizer.Identifier) ?? false))
        {
            var finalizers = (entity.Metadata.Finalizers ?? []).Append(_finalizer.Identifier).ToList();
            entity = await PatchFinalizersAsync(entity, finalizers, cancellationToken);
        }
        return await _controller().ReconcileAsync(entity, cancellationToken);
    }

    private async Task<ReconciliationResult> FinalizeAsync(TEntity entity, CancellationToken cancellationToken)
    {
        if (_finalizer is null || !(entity.Metadata.Finalizers?.Contains(_finalizer.Identifier) ?? false))
        {
            return ReconciliationResult.Success();
        }
        var result = await _finalizer.FinalizeAsync(entity, cancellationToken);
        if (result.IsSuccess)
        {
            await PatchFinalizersAsync(entity, entity.Metadata.Finalizers!.Where(f => f != _finalizer.Identifier).ToList(), cancellationToken);
            LogFinalized(ObjectKey.Of(entity).ToString(), _finalizer.Identifier);
        }
        return result;
    }

    /// <summary>Sets the finalizer list, guarded by resourceVersion so a concurrent change is never overwritten.</summary>
    private Task<TEntity> PatchFinalizersAsync(TEntity entity, List<string> finalizers, CancellationToken cancellationToken) =>
        _client.PatchAsync<TEntity>(entity.Metadata.Name!, entity.Metadata.Namespace,
            new { metadata = new { finalizers, resourceVersion = entity.Metadata.ResourceVersion } }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller} starting: watching {Scope}, {Workers} workers")]
    private partial void LogStarting(string controller, string scope, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller} stopped")]
    private partial void LogStopped(string controller);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Key} changed while reconciling ({Reason}); the newer copy is queued")]
    private partial void LogConflict(string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconcile of {Key} failed: {Reason} (failure {Failures}, retry in {Seconds:0.#} s)")]
    private partial void LogFailed(Exception? error, string key, string reason, int failures, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key}: finalizer {Finalizer} done and removed")]
    private partial void LogFinalized(string key, string finalizer);
}
