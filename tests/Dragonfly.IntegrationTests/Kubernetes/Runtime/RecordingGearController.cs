using System.Diagnostics;
using System.Threading.Channels;
using Dragonfly.Operator.Runtime.Controllers;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>A controller that records every reconcile and answers as the test says (by default: success).</summary>
public sealed class RecordingGearController(Func<int, V1Alpha1Gear, CancellationToken, Task<ReconciliationResult>>? behavior = null)
    : IEntityController<V1Alpha1Gear>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Channel<GearReconcile> _calls = Channel.CreateUnbounded<GearReconcile>();
    private int _count;

    public ChannelReader<GearReconcile> Calls => _calls.Reader;

    public int Count => Volatile.Read(ref _count);

    public async Task<ReconciliationResult> ReconcileAsync(V1Alpha1Gear entity, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _count);
        _calls.Writer.TryWrite(new GearReconcile(call, _clock.Elapsed, entity.Metadata.Generation, entity.Spec.Teeth,
            entity.Metadata.Labels ?? [], entity.Metadata.Finalizers ?? []));
        return behavior is null ? ReconciliationResult.Success() : await behavior(call, entity, cancellationToken);
    }
}
