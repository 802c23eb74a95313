using System.Buffers;
using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;
using Dragonfly.Transfer;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>
/// Downloads one task through the swarm. One loop owns all state: it applies scheduler packets and finished
/// piece fetches in order, reports each piece at once, and keeps up to N verified-then-written fetches running.
/// Anything P2P cannot do ends in a fallback to the source, never in a failed pull.
/// </summary>
internal sealed partial class P2PDownload
{
    private readonly DownloadEnvironment _env;
    private readonly DownloadSpec _spec;
    private readonly PeerTask _task;
    private readonly IReadOnlyList<SchedulerClient> _supernodes;
    private readonly IReadOnlyList<ByteRateLimiter> _limiters;
    private readonly ILogger _logger;
    private readonly Channel<P2PEvent> _events = Channel.CreateUnbounded<P2PEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Task> _fetches = [];
    private readonly PieceDispatcher _dispatcher;
    private readonly ContentVerifier _verifier = new();
    private StoredContent _content = null!;
    private long _contentLength = -1;
    private int _pieceSize = PieceSizePolicy.DefaultMin;
    private int _pieceCount = -1;
    private string? _contentDigest;
    private long _lastProgress;

    public P2PDownload(DownloadEnvironment env, DownloadSpec spec, PeerTask task, IReadOnlyList<SchedulerClient> supernodes, ByteRateLimiter taskLimiter)
    {
        _env = env;
        _spec = spec;
        _task = task;
        _supernodes = supernodes;
        _limiters = [env.Limits.Download, taskLimiter];
        _logger = env.LoggerFactory.CreateLogger<P2PDownload>();
        _dispatcher = new PieceDispatcher(env.Options.MaxPiecesPerParent, env.Options.ParentFailureLimit, new Random());
    }

    public async Task<P2POutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            return await RunCoreAsync(stop.Token);
        }
        catch (InsufficientStorageException e)
        {
            return P2POutcome.Finished(DownloadOutcome.Failure(DownloadErrorKind.InsufficientStorage, e.Message));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(_fetches);
            _verifier.Dispose();
        }
    }

    private async Task<P2POutcome> RunCoreAsync(CancellationToken cancellationToken)
    {
        var (scheduler, refusal) = await RegisterAsync(cancellationToken);
        if (scheduler is null)
        {
            return refusal!;
        }
        _env.Store.Delete(_task.TaskId);
        _content = _env.Store.GetOrCreate(_task.TaskId);
        _task.Attach(_content);
        using var call = scheduler.SyncPieces(new CallOptions(CancellationToken: cancellationToken));
        try
        {
            await call.RequestStream.WriteAsync(new PieceReport { Start = new SyncStart { TaskId = _task.TaskId.Value, PeerId = _task.PeerId } }, cancellationToken);
        }
        catch (RpcException e)
        {
            return P2POutcome.Fallback($"supernode {scheduler.Address} refused the piece stream: {e.Status.Detail}");
        }
        var receiving = ReceiveAsync(call.ResponseStream, cancellationToken);
        _lastProgress = _env.Time.GetTimestamp();
        while (!IsComplete)
        {
            var next = await NextEventAsync(cancellationToken);
            switch (next)
            {
                case null:
                    return P2POutcome.Fallback($"no progress from the swarm for {_env.Options.StallTimeout.TotalSeconds:0} s");
                case StreamEnded ended:
                    return P2POutcome.Fallback($"lost supernode {scheduler.Address}: {ended.Reason}");
                case PacketReceived received when received.Packet.TaskState == TaskState.Failed:
                    var error = DownloadError.FromSourceStatus(received.Packet.SourceStatusCode, $"the supernode could not fetch {_spec.Key.Url}: {received.Packet.Error}");
                    return error.Kind == DownloadErrorKind.SourceNotFound ? P2POutcome.Finished(DownloadOutcome.Failure(error)) : P2POutcome.Fallback(error.Message);
                case PacketReceived received:
                    Apply(received.Packet);
                    break;
                case PieceDone done:
                    if (await OnPieceDoneAsync(call, done, cancellationToken) is { } failure)
                    {
                        return failure;
                    }
                    break;
            }
            Dispatch(cancellationToken);
        }
        var outcome = await FinishAsync(call, cancellationToken);
        await receiving.WaitAsync(TimeSpan.FromSeconds(5), _env.Time, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return outcome;
    }

    private bool IsComplete => _pieceCount >= 0 && _dispatcher.HeldCount >= _pieceCount;

    private async Task<(SchedulerClient?, P2POutcome?)> RegisterAsync(CancellationToken cancellationToken)
    {
        var meta = new UrlMeta { Digest = _spec.Key.Digest ?? "", Tag = _spec.Key.Tag ?? "", Range = _spec.Key.Range ?? "", Filter = _spec.Key.Filter ?? "" };
        foreach (var (name, value) in _spec.Headers)
        {
            meta.Header[name] = value;
        }
        var request = new RegisterPeerTaskRequest { Url = _spec.Key.Url, UrlMeta = meta, TaskId = _task.TaskId.Value, PeerId = _task.PeerId, Host = await _env.Host.GetAsync(cancellationToken) };
        var problems = new List<string>();
        foreach (var scheduler in _supernodes)
        {
            try
            {
                var deadline = _env.Time.GetUtcNow().UtcDateTime + _env.Options.RegisterTimeout;
                var response = await scheduler.RegisterPeerTaskAsync(request, new CallOptions(Deadline: deadline, CancellationToken: cancellationToken));
                if (response.ContentLength >= 0)
                {
                    SetLayout(response.ContentLength, response.PieceSize);
                }
                return (scheduler, null);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
            {
                return (null, P2POutcome.Finished(DownloadOutcome.Failure(DownloadErrorKind.InvalidRequest, e.Status.Detail)));
            }
            catch (RpcException e)
            {
                LogRegisterFailed(scheduler.Address, e.StatusCode, e.Status.Detail);
                problems.Add($"{scheduler.Address.Authority}: {e.StatusCode} {e.Status.Detail}");
            }
        }
        return (null, P2POutcome.Fallback("no supernode accepted the task (" + string.Join("; ", problems) + ")"));
    }

    private void SetLayout(long contentLength, int pieceSize)
    {
        if (_contentLength >= 0)
        {
            return;
        }
        _contentLength = contentLength;
        _pieceSize = pieceSize;
        _pieceCount = new PieceLayout(contentLength, pieceSize).PieceCount;
        _task.SetContentLength(contentLength);
    }

    private void Apply(PeerPacket packet)
    {
        if (packet.ContentLength >= 0 && _contentLength < 0)
        {
            SetLayout(packet.ContentLength, packet.PieceSize);
        }
        if (_contentLength >= 0)
        {
            _content.SetLayout(_contentLength, _pieceSize);
        }
        if (!string.IsNullOrEmpty(packet.ContentDigest))
        {
            _contentDigest = packet.ContentDigest;
        }
        foreach (var info in packet.Pieces)
        {
            if (Digest.TryParse(info.Digest, out var digest, out _) && info.Size > 0 && info.Offset >= 0
                && _dispatcher.AddPiece(new Piece(info.Number, info.Offset, info.Size, digest.Value)))
            {
                _lastProgress = _env.Time.GetTimestamp();
            }
        }
        _dispatcher.UpdateParents(packet.Parents);
    }

    private async Task<P2POutcome?> OnPieceDoneAsync(AsyncDuplexStreamingCall<PieceReport, PeerPacket> call, PieceDone done, CancellationToken cancellationToken)
    {
        var (piece, parent, result, writeError) = done;
        var ok = result.IsOk && writeError is null;
        _dispatcher.Finished(piece, parent, ok, result.Status == PieceFetchStatus.DigestMismatch);
        if (writeError is not null)
        {
            return P2POutcome.Finished(DownloadOutcome.Failure(DownloadErrorKind.InsufficientStorage, $"writing piece {piece.Number} to {_env.Store.RootDirectory} failed: {writeError.Message}"));
        }
        var report = new PieceResult
        {
            Number = piece.Number,
            ParentId = parent.Id,
            Success = ok,
            CostMicros = (long)result.Elapsed.TotalMicroseconds,
            Failure = ToFailure(result.Status),
            Detail = result.Detail ?? "",
        };
        if (ok)
        {
            _lastProgress = _env.Time.GetTimestamp();
            LogPieceDone(piece.Number, parent.Id, result.Elapsed.TotalMilliseconds);
            _env.Metrics.PieceDone(parent.IsSeed, result.Elapsed);
            _task.AddCompleted(piece.Size);
            await _verifier.AdvanceAsync(_content, cancellationToken);
            if (parent.IsSeed) _task.Traffic.AddSeed(piece.Size); else _task.Traffic.AddPeers(piece.Size);
        }
        else
        {
            LogPieceFailed(piece.Number, parent.Id, result.Status, result.Detail);
            _env.Metrics.PieceFailed(parent.IsSeed, result.Status);
        }
        try
        {
            await call.RequestStream.WriteAsync(new PieceReport { Piece = report }, cancellationToken);
            return null;
        }
        catch (RpcException e)
        {
            return P2POutcome.Fallback($"lost the supernode while reporting: {e.Status.Detail}");
        }
    }

    private void Dispatch(CancellationToken cancellationToken)
    {
        _fetches.RemoveAll(t => t.IsCompleted);
        var limit = (int)Math.Min(_env.Options.MaxConcurrentPieces, Math.Max(1, _env.Options.MaxBufferedBytes / _pieceSize));
        while (_dispatcher.InFlight < limit && _dispatcher.Next() is { } next)
        {
            _dispatcher.Started(next.Piece, next.Parent);
            _fetches.Add(FetchAsync(next.Piece, next.Parent, cancellationToken));
        }
    }

    private async Task FetchAsync(Piece piece, ParentState parent, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(piece.Size);
        try
        {
            var result = await _env.Fetcher.FetchAsync(parent.BaseAddress, _task.TaskId, piece, buffer, _limiters, _env.Options.PieceTimeout, cancellationToken);
            Exception? writeError = null;
            if (result.IsOk)
            {
                try
                {
                    await _content.WritePieceAsync(piece, buffer.AsMemory(0, piece.Size), cancellationToken);
                }
                catch (IOException e)
                {
                    writeError = e;
                }
            }
            _events.Writer.TryWrite(new PieceDone(piece, parent, result, writeError));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The download is over; nobody waits for this piece.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task ReceiveAsync(IAsyncStreamReader<PeerPacket> packets, CancellationToken cancellationToken)
    {
        try
        {
            while (await packets.MoveNext(cancellationToken))
            {
                _events.Writer.TryWrite(new PacketReceived(packets.Current));
            }
            _events.Writer.TryWrite(new StreamEnded("the supernode closed the piece stream"));
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            _events.Writer.TryWrite(new StreamEnded($"{e.StatusCode}: {e.Status.Detail}"));
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException && cancellationToken.IsCancellationRequested)
        {
            // The download ended first.
        }
    }

    private async Task<P2PEvent?> NextEventAsync(CancellationToken cancellationToken)
    {
        var remaining = _env.Options.StallTimeout - _env.Time.GetElapsedTime(_lastProgress);
        if (remaining <= TimeSpan.Zero)
        {
            return null;
        }
        if (_events.Reader.TryRead(out var ready))
        {
            return ready;
        }
        using var stall = new CancellationTokenSource(remaining, _env.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            return await _events.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<P2POutcome> FinishAsync(AsyncDuplexStreamingCall<PieceReport, PeerPacket> call, CancellationToken cancellationToken)
    {
        var actual = await _verifier.FinishAsync(_content, _contentLength, cancellationToken);
        var expected = _spec.Key.Digest ?? _contentDigest;
        if (expected is not null && actual.ToString() != expected)
        {
            _content.Discard();
            var message = $"the assembled content has digest {actual}, expected {expected}";
            return _spec.Key.Digest is not null
                ? P2POutcome.Finished(DownloadOutcome.Failure(DownloadErrorKind.DigestMismatch, message))
                : P2POutcome.Fallback(message);
        }
        await _content.CompleteAsync(_contentLength, actual.ToString(), cancellationToken);
        _task.Pulse(); // readers may send the last piece now, before the supernode has heard the result
        try
        {
            await call.RequestStream.WriteAsync(new PieceReport
            {
                Result = new PeerResult { Success = true, Traffic = _task.Traffic.ToProto(), ElapsedMillis = (long)_task.Elapsed.TotalMilliseconds },
            }, cancellationToken);
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException e)
        {
            // The content is complete and verified; only the supernode's record of this peer is lost.
            LogResultNotDelivered(e.Status.Detail);
        }
        return P2POutcome.Finished(DownloadOutcome.Success(_content));
    }

    private static PieceFailure ToFailure(PieceFetchStatus status) => status switch
    {
        PieceFetchStatus.Ok => PieceFailure.Unspecified,
        PieceFetchStatus.DigestMismatch => PieceFailure.DigestMismatch,
        PieceFetchStatus.Timeout => PieceFailure.Timeout,
        PieceFetchStatus.NotHeld => PieceFailure.NotHeld,
        _ => PieceFailure.Unreachable,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supernode {Address} did not accept the registration: {Status} {Detail}")]
    private partial void LogRegisterFailed(Uri address, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Piece {Piece} from parent {ParentId} failed: {Status} {Detail}")]
    private partial void LogPieceFailed(int piece, string parentId, PieceFetchStatus status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed, but the supernode did not take the result: {Detail}")]
    private partial void LogResultNotDelivered(string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Piece {Piece} from {ParentId} in {ElapsedMs:0.0} ms")]
    private partial void LogPieceDone(int piece, string parentId, double elapsedMs);
}
