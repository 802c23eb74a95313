using System.Text.Json;
using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Dfget;

/// <summary>Runs one download through the local peer daemon and turns every outcome into a message and an exit code.</summary>
public static class DfgetCommand
{
    public static async Task<int> RunAsync(DfgetArguments args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var (request, problem) = args.ToRequest();
        if (request is null)
        {
            await error.WriteLineAsync($"dfget: {problem}");
            return ExitCodes.InvalidArguments;
        }
        using var channel = GrpcChannel.ForAddress(args.Daemon);
        var client = new DaemonClient(channel);
        var reporter = new ProgressReporter(error, !Console.IsErrorRedirected && !args.Json, TimeProvider.System);
        var deadline = DateTime.UtcNow + args.Timeout;
        DownloadProgress? last = null;
        try
        {
            using var call = client.Download(request, new CallOptions(Deadline: deadline, CancellationToken: cancellationToken));
            await foreach (var progress in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                last = progress;
                reporter.Report(progress);
            }
        }
        catch (RpcException e)
        {
            reporter.Finish();
            return await FailAsync(e, args, error);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reporter.Finish();
            await error.WriteLineAsync("dfget: interrupted; no output was written");
            return ExitCodes.Interrupted;
        }
        reporter.Finish();
        if (last is not { Done: true })
        {
            await error.WriteLineAsync("dfget: the peer daemon ended the download without saying it completed; no output was written");
            return ExitCodes.Unexpected;
        }
        await ReportSuccessAsync(last, request.Output, args.Json, output, error);
        return ExitCodes.Success;
    }

    private static async Task<int> FailAsync(RpcException e, DfgetArguments args, TextWriter error)
    {
        var message = e.StatusCode switch
        {
            // Only the gRPC client's own wording for a connection it could not make: the daemon itself answers
            // UNAVAILABLE when a source refuses connections, and that must not read as "the daemon is down".
            StatusCode.Unavailable when e.Status.Detail.StartsWith("Error connecting to the server", StringComparison.Ordinal) =>
                $"cannot reach the peer daemon at {args.Daemon.Authority} ({e.Status.Detail}); is it running? Pass --daemon host:port if it listens elsewhere",
            StatusCode.DeadlineExceeded => $"the download did not finish within {args.Timeout}; raise --timeout",
            _ => e.Status.Detail,
        };
        await error.WriteLineAsync($"dfget: {message}");
        return e.StatusCode == StatusCode.Unavailable && message.StartsWith("cannot reach the peer daemon", StringComparison.Ordinal)
            ? ExitCodes.DaemonUnreachable
            : ExitCodes.FromStatus(e.StatusCode);
    }

    private static async Task ReportSuccessAsync(DownloadProgress done, string path, bool json, TextWriter output, TextWriter error)
    {
        var t = done.Traffic ?? new TrafficStats();
        if (json)
        {
            await output.WriteLineAsync(JsonSerializer.Serialize(new
            {
                output = path,
                taskId = done.TaskId,
                peerId = done.PeerId,
                contentLength = done.ContentLength,
                elapsedMillis = done.ElapsedMillis,
                fromSource = t.FromSource,
                fromSeed = t.FromSeed,
                fromPeers = t.FromPeers,
                fromLocalCache = t.FromLocalCache,
            }));
            return;
        }
        var seconds = Math.Max(0.001, done.ElapsedMillis / 1000.0);
        await error.WriteLineAsync(
            $"dfget: saved {path}: {ByteSize.Format(done.ContentLength)} in {seconds:0.00} s ({ByteSize.Format((long)(done.ContentLength / seconds))}/s); " +
            $"from source {ByteSize.Format(t.FromSource)}, supernode {ByteSize.Format(t.FromSeed)}, peers {ByteSize.Format(t.FromPeers)}, local cache {ByteSize.Format(t.FromLocalCache)}");
    }
}
