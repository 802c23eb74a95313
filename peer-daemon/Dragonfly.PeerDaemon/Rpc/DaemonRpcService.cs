using Dragonfly.Core.Storage;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>The local API: downloads for dfget, streaming progress; the output appears only once it is whole and verified.</summary>
public sealed class DaemonRpcService(PeerTaskManager manager, ContentStore store, TimeProvider time)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var service = endpoints.ServiceProvider.GetRequiredService<DaemonRpcService>();
        endpoints.MapGrpcServerStreaming(DaemonMethods.Download, service.DownloadAsync);
        endpoints.MapGrpcUnimplemented();
    }

    public async Task DownloadAsync(DownloadRequest request, IServerStreamWriter<DownloadProgress> progress, ServerCallContext context)
    {
        var (spec, output) = DownloadRequestValidator.Validate(request, store.RootDirectory);
        var task = manager.StartOrJoin(spec);
        var cancellationToken = context.CancellationToken;
        await using var file = OutputFile.Start(task, output, cancellationToken);
        while (!task.Completion.IsCompleted)
        {
            await progress.WriteAsync(Progress(task, done: false), cancellationToken);
            await Task.WhenAny(task.Completion, Task.Delay(ProgressInterval, time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
        var outcome = await task.Completion;
        if (outcome.Error is { } error)
        {
            throw DownloadErrorStatus.ToException(error);
        }
        await file.CommitAsync(outcome.Content!, cancellationToken);
        await progress.WriteAsync(Progress(task, done: true), cancellationToken);
    }

    private static DownloadProgress Progress(PeerTask task, bool done) => new()
    {
        TaskId = task.TaskId.Value,
        PeerId = task.PeerId,
        ContentLength = task.ContentLength,
        CompletedBytes = task.CompletedBytes,
        Done = done,
        Traffic = task.Traffic.ToProto(),
        ElapsedMillis = (long)task.Elapsed.TotalMilliseconds,
    };
}
