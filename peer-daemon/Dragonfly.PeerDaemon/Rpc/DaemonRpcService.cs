using Dragonfly.Core.Storage;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>The local API: downloads for dfget, streaming progress, writing the output only once it is whole and verified.</summary>
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
        await WriteOutputAsync(outcome.Content!, output, cancellationToken);
        await progress.WriteAsync(Progress(task, done: true), cancellationToken);
    }

    /// <summary>Copies to a temporary file beside the output, then renames: the output never exists half-written.</summary>
    private static async Task WriteOutputAsync(StoredContent content, string output, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}.dfget-{Guid.NewGuid():N}");
        try
        {
            await using (var source = new FileStream(content.DataPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan))
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                target.SetLength(content.ContentLength);
                await source.CopyToAsync(target, 1024 * 1024, cancellationToken);
            }
            File.Move(temp, output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temp);
            throw DownloadErrorStatus.ToException(new DownloadError(DownloadErrorKind.OutputFailed, $"cannot write {output}: {e.Message}"));
        }
        catch (OperationCanceledException)
        {
            File.Delete(temp);
            throw;
        }
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
