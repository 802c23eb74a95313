using System.Threading.Channels;
using Dragonfly.Operator.Runtime.Controllers;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>A finalizer that records what it was asked to clean up and always succeeds.</summary>
public sealed class RecordingGearFinalizer : IEntityFinalizer<V1Alpha1Gear>
{
    private readonly Channel<V1Alpha1Gear> _calls = Channel.CreateUnbounded<V1Alpha1Gear>();

    public string Identifier => "runtime.test.dragonfly.io/cleanup";

    public ChannelReader<V1Alpha1Gear> Calls => _calls.Reader;

    public Task<ReconciliationResult> FinalizeAsync(V1Alpha1Gear entity, CancellationToken cancellationToken)
    {
        _calls.Writer.TryWrite(entity);
        return Task.FromResult(ReconciliationResult.Success());
    }
}
