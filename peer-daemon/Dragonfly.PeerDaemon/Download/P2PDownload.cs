using System.Buffers;
using System.Threading.Channels;
using Dragonfly.Core;
using Dragonfly.Core.Pieces;
using Dragonfly.Core.RateLimiting;
using Dragonfly.Core.Storage;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Scheduling;
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
    private readonly SupernodeSelector _selector;
    private readonly IReadOnlyList<SchedulerClient> _supernodes;
    private readonly IReadOnlyList<ByteRateLimiter> _limiters;
    private readonly ILogger _logger;
    private readonly Channel<P2PEvent> _events = Channel.CreateUnbounded<P2PEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<Task> _fetches = [];
    private readonly PieceDispatcher _dispatcher;
    private readonly SortedDictionary<int, Piece> _awaitingStart = [];
    private readonly HashSet<int> _described = [];
    private readonly HashSet<int> _unannounced = [];
    private StoredContent _content = null!;
    private bool _joined;
    private long _contentLength = -1;
    private int _pieceSize = PieceSizePolicy.DefaultMin;
    private int _pieceCount = -1;
    private string? _contentDigest;
    private int _finalPiece = -1;
    private int _highestDescribed = -1;
    private bool _describesOtherContent;
    private long _lastProgress;

    public P2PDownload(DownloadEnvironment env, DownloadSpec spec, PeerTask task, SupernodeSelector supernodes, ByteRateLimiter taskLimiter)
    {
        _env = env;
        _spec = spec;
        _task = task;
        _selector = supernodes;
        _supernodes = supernodes.For(spec.TaskId);
        _limiters = [env.Limits.Download, taskLimiter];
        _logger = env.LoggerFactory.CreateLogger<P2PDownload>();
        _dispatcher = new PieceDispatcher(env.Options.MaxPiecesPerParent, env.Options.ParentFailureLimit, new Random(), env.PieceScheme);
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
            CountUnreadPieces();
            if (_describesOtherContent && _joined)
            {
                // The pieces chain towards another digest than the one asked for: none of them is worth keeping.
                _content.Discard();
            }
        }
    }

    /// <summary>
    /// Counts the pieces whose fetch ended after the loop stopped reading (a supernode lost, a fallback): they are
    /// written and held, and the fallback to the source keeps them, so the task's progress and traffic include them.
    /// </summary>
    private void CountUnreadPieces()
    {
        while (_events.Reader.TryRead(out var next))
        {
            if (next is PieceDone { Result.IsOk: true, WriteError: null } done && !_dispatcher.IsHeld(done.Piece.Number) && _content.IsHeld(done.Piece.Number))
            {
                _dispatcher.MarkHeld(done.Piece.Number);
                CountFetched(done.Piece, done.Parent);
            }
        }
    }

    /// <summary>Adds a piece fetched and held to the task's progress and to the traffic of its parent's kind.</summary>
    private void CountFetched(Piece piece, ParentState parent)
    {
        _task.AddCompleted(piece.Size);
        if (parent.IsSeed) _task.Traffic.AddSeed(piece.Size); else _task.Traffic.AddPeers(piece.Size);
    }

    /// <summary>
    /// Works through the task's supernodes, home first. When the current one is lost mid-task the download
    /// moves to the next replica and keeps every piece it holds; only when none is left does it hand over to
    /// the source.
    /// </summary>
    private async Task<P2POutcome> RunCoreAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        for (var attempt = 0; attempt < _supernodes.Count; attempt++)
        {
            var scheduler = _supernodes[attempt];
            var registration = await RegisterAsync(scheduler, cancellationToken);
            if (registration.Outcome is not null)
            {
                return registration.Outcome;
            }
            if (registration.Problem is not null)
            {
                _selector.ReportFailure(scheduler);
                problems.Add(registration.Problem);
                continue;
            }
            _selector.ReportSuccess(scheduler);
            if (!_joined)
            {
                _joined = true;
                _env.Store.Delete(_task.TaskId);
                _content = _env.Store.GetOrCreate(_task.TaskId);
                _task.Attach(_content);
            }
            else
            {
                LogFailover(scheduler.Address, _dispatcher.HeldCount, problems[^1]);
                _env.Metrics.SupernodeFailover();
            }
            var session = await RunSessionAsync(scheduler, attempt, cancellationToken);
            if (session.Outcome is not null)
            {
                return session.Outcome;
            }
            _selector.ReportFailure(scheduler);
            problems.Add($"{scheduler.Address.Authority}: {session.Problem}");
        }
        return P2POutcome.Fallback(!_joined
            ? "no supernode accepted the task (" + string.Join("; ", problems) + ")"
            : "lost every supernode of the task (" + string.Join("; ", problems) + ")");
    }

    /// <summary>One piece stream with one supernode: ends in an outcome, or in a problem that makes the download move on.</summary>
    private async Task<SessionEnd> RunSessionAsync(SchedulerClient scheduler, int attempt, CancellationToken cancellationToken)
    {
        using var sessionStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = scheduler.SyncPieces(new CallOptions(CancellationToken: sessionStop.Token));
        try
        {
            await call.RequestStream.WriteAsync(new PieceReport { Start = new SyncStart { TaskId = _task.TaskId.Value, PeerId = _task.PeerId } }, cancellationToken);
        }
        catch (RpcException e)
        {
            return SessionEnd.Lost($"refused the piece stream: {e.Status.Detail}");
        }
        // Pieces held from an earlier supernode are announced to this one as it describes them.
        _described.Clear();
        _unannounced.Clear();
        foreach (var held in _content.HeldPieces())
        {
            _unannounced.Add(held.Number);
        }
        var receiving = ReceiveAsync(call.ResponseStream, attempt, sessionStop.Token);
        _lastProgress = _env.Time.GetTimestamp();
        try
        {
            while (!IsComplete)
            {
                var next = await NextEventAsync(cancellationToken);
                if (next is IAttemptEvent stale && stale.Attempt != attempt)
                {
                    continue; // from the stream of a supernode this download has left
                }
                switch (next)
                {
                    case null:
                        return SessionEnd.Done(P2POutcome.Fallback($"no progress from the swarm for {_env.Options.StallTimeout.TotalSeconds:0} s"));
                    case StreamEnded ended:
                        return SessionEnd.Lost(ended.Reason);
                    case PacketReceived received when received.Packet.TaskState == TaskState.Failed:
                        var error = DownloadError.FromSourceStatus(received.Packet.SourceStatusCode, $"the supernode could not fetch {_spec.Key.Url}: {received.Packet.Error}");
                        return SessionEnd.Done(error.Kind == DownloadErrorKind.SourceNotFound ? P2POutcome.Finished(DownloadOutcome.Failure(error)) : P2POutcome.Fallback(error.Message));
                    case PacketReceived received:
                        if (Apply(received.Packet) is { } changed)
                        {
                            return SessionEnd.Done(P2POutcome.Fallback(changed));
                        }
                        if (await AnnounceHeldAsync(call, cancellationToken) is { } lostWhileAnnouncing)
                        {
                            return SessionEnd.Lost(lostWhileAnnouncing);
                        }
                        break;
                    case PieceDone done:
                        var pieceEnd = await OnPieceDoneAsync(call, done, cancellationToken);
                        if (pieceEnd is not null)
                        {
                            return pieceEnd;
                        }
                        break;
                }
                Dispatch(cancellationToken);
            }
            var outcome = await FinishAsync(call, cancellationToken);
            await receiving.WaitAsync(TimeSpan.FromSeconds(5), _env.Time, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return SessionEnd.Done(outcome);
        }
        finally
        {
            await sessionStop.CancelAsync();
            await receiving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private bool IsComplete => _pieceCount >= 0 && _dispatcher.HeldCount >= _pieceCount;

    private async Task<Registration> RegisterAsync(SchedulerClient scheduler, CancellationToken cancellationToken)
    {
        var meta = new UrlMeta { Digest = _spec.Key.Digest ?? "", Tag = _spec.Key.Tag ?? "", Range = _spec.Key.Range ?? "", Filter = _spec.Key.Filter ?? "" };
        foreach (var (name, value) in _spec.Headers)
        {
            meta.Header[name] = value;
        }
        var request = new RegisterPeerTaskRequest { Url = _spec.Key.Url, UrlMeta = meta, TaskId = _task.TaskId.Value, PeerId = _task.PeerId, Host = await _env.Host.GetAsync(cancellationToken) };
        try
        {
            var deadline = _env.Time.GetUtcNow().UtcDateTime + _env.Options.RegisterTimeout;
            var response = await scheduler.RegisterPeerTaskAsync(request, new CallOptions(Deadline: deadline, CancellationToken: cancellationToken));
            if (response.ContentLength >= 0 && UnusablePieceSize(response.PieceSize) is { } unusable)
            {
                return new Registration(P2POutcome.Fallback($"supernode {scheduler.Address.Authority} {unusable}"), null);
            }
            if (response.ContentLength >= 0 && !SetLayout(response.ContentLength, response.PieceSize))
            {
                return new Registration(P2POutcome.Fallback(
                    $"supernode {scheduler.Address.Authority} describes the content as {response.ContentLength} bytes in {response.PieceSize}-byte pieces, " +
                    $"but the pieces held are of {_contentLength} bytes in {_pieceSize}-byte pieces; give every supernode the same pieceSize settings"), null);
            }
            return new Registration(null, null);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            return new Registration(P2POutcome.Finished(DownloadOutcome.Failure(DownloadErrorKind.InvalidRequest, e.Status.Detail)), null);
        }
        catch (RpcException e)
        {
            LogRegisterFailed(scheduler.Address, e.StatusCode, e.Status.Detail);
            return new Registration(null, $"{scheduler.Address.Authority}: {e.StatusCode} {e.Status.Detail}");
        }
    }

    /// <summary>Why a piece size from a supernode cannot be used (<see cref="PieceLayout.IsChainable"/>), or null.</summary>
    private static string? UnusablePieceSize(int pieceSize) =>
        PieceLayout.IsChainable(pieceSize) ? null : $"describes {pieceSize}-byte pieces; pieces are a positive multiple of 64 bytes";

    /// <summary>Fixes the layout the first time; afterwards returns whether another description agrees with it.</summary>
    private bool SetLayout(long contentLength, int pieceSize)
    {
        if (_contentLength >= 0)
        {
            return _contentLength == contentLength && _pieceSize == pieceSize;
        }
        _contentLength = contentLength;
        _pieceSize = pieceSize;
        _pieceCount = new PieceLayout(contentLength, pieceSize).PieceCount;
        _task.SetContentLength(contentLength);
        return true;
    }

    /// <summary>
    /// Applies a scheduler packet. Returns why the download must start over when the packet describes other
    /// content than the pieces already held (a new replica's seed found different bytes at the source).
    /// </summary>
    private string? Apply(PeerPacket packet)
    {
        LogPacket(packet.ContentLength, packet.TaskState, packet.Pieces.Count, packet.Parents.Count);
        if ((packet.ContentLength >= 0 || packet.PieceSize != 0) && UnusablePieceSize(packet.PieceSize) is { } unusable)
        {
            return $"the supernode {unusable}";
        }
        if (packet.ContentLength >= 0 && !SetLayout(packet.ContentLength, packet.PieceSize))
        {
            return $"the supernode now describes the content as {packet.ContentLength} bytes in {packet.PieceSize}-byte pieces, not {_contentLength} in {_pieceSize}";
        }
        if (_contentLength >= 0)
        {
            _content.SetLayout(_contentLength, _pieceSize);
        }
        else if (packet.PieceSize > 0 && _dispatcher.HeldCount == 0)
        {
            // Length unknown (a source without Content-Length): pieces are still cut in the seed's size.
            _pieceSize = packet.PieceSize;
            _content.UsePieceSize(packet.PieceSize);
        }
        if (!string.IsNullOrEmpty(packet.ContentDigest))
        {
            if (PinnedContradiction(packet.ContentDigest) is { } contradiction)
            {
                return contradiction;
            }
            _contentDigest = packet.ContentDigest;
        }
        foreach (var info in packet.Pieces)
        {
            if (Describe(info, out var refused) is not { } piece)
            {
                return refused;
            }
            _described.Add(info.Number);
            if ((_dispatcher.KnownPiece(info.Number) ?? (_awaitingStart.TryGetValue(info.Number, out var waiting) ? waiting : null)) is { } known)
            {
                if (known != piece)
                {
                    return $"piece {info.Number} is now {piece.Digest} ({piece.Size} bytes at {piece.Offset}), but {known.Digest} was fetched: the content changed at the source";
                }
                continue;
            }
            _awaitingStart[info.Number] = piece;
        }
        AdmitDescribedPieces();
        _dispatcher.UpdateParents(packet.Parents);
        return null;
    }

    /// <summary>
    /// The piece <paramref name="info"/> describes, or null and why this download must leave the supernode's pieces:
    /// a digest it cannot read, or a piece where the layout puts none (<see cref="PieceLayout.Contradiction(Piece)"/>).
    /// Either means a broken, lying or incompatible supernode, and the pieces it describes would be fetched for
    /// nothing, written in the wrong places, or never started (stalling until the stall timeout), so the download
    /// goes to the source at once.
    /// </summary>
    private Piece? Describe(PieceInfo info, out string? problem)
    {
        if (!PieceDigest.TryParse(info.Digest, out var digest, out var unreadable))
        {
            problem = $"the supernode described piece {info.Number} with a digest this peer cannot check ({unreadable}); " +
                "if supernodes and peers run different versions, upgrade them to the same one";
            return null;
        }
        var piece = new Piece(info.Number, info.Offset, info.Size, digest.Value);
        var contradiction = _contentLength >= 0
            ? new PieceLayout(_contentLength, _pieceSize).Contradiction(piece)
            : PieceLayout.Contradiction(piece, _pieceSize) ?? OrderContradiction(piece);
        problem = contradiction is null
            ? piece.Digest.ContentDigest is { } described ? PinnedContradiction(described.ToString()) : null
            : $"the supernode's piece descriptions contradict the content's layout: {contradiction}";
        return problem is null ? piece : null;
    }

    /// <summary>
    /// Why a content digest the supernode describes cannot be this download's: the request pins another. Every
    /// piece would be fetched for nothing (the last could never check out), so the download goes to the source at once.
    /// </summary>
    private string? PinnedContradiction(string described)
    {
        if (_spec.Key.Digest is not { } pinned || described == pinned)
        {
            return null;
        }
        _describesOtherContent = true;
        return $"the supernode describes the content's digest as {described}, but the download asks for {pinned}";
    }

    /// <summary>With the length unknown, only the layout's order is checked: no piece after the one that ends the content.</summary>
    private string? OrderContradiction(Piece piece)
    {
        var final = piece.Digest.IsFinal ? piece.Number : _finalPiece;
        var highest = Math.Max(_highestDescribed, piece.Number);
        if (piece.Digest.IsFinal && _finalPiece >= 0 && _finalPiece != piece.Number)
        {
            return $"pieces {_finalPiece} and {piece.Number} are both described with the content's digest";
        }
        if (final >= 0 && highest > final)
        {
            return $"piece {highest} is described after the last piece ({final})";
        }
        _finalPiece = final;
        _highestDescribed = highest;
        return null;
    }

    /// <summary>
    /// Hands described pieces to the dispatcher once the digest each one starts from is known (the previous
    /// piece's chaining value; see <see cref="PieceDigest"/>). The seed describes pieces in order, so this is
    /// normally every piece at once. A piece after the one ending in the content's digest is refused by
    /// <see cref="Describe"/> already; the check here only guarantees such a piece is never fetched.
    /// </summary>
    private void AdmitDescribedPieces()
    {
        foreach (var (number, piece) in _awaitingStart.ToArray())
        {
            if (StartOf(piece) is not { } start)
            {
                continue;
            }
            _awaitingStart.Remove(number);
            if (!start.IsFinal && _dispatcher.AddPiece(piece))
            {
                _lastProgress = _env.Time.GetTimestamp();
            }
        }
    }

    /// <summary>Where <paramref name="piece"/>'s link of the SHA-256 chain starts, when known.</summary>
    private PieceDigest? StartOf(Piece piece) =>
        piece.Number == 0 ? PieceDigest.Initial : _dispatcher.KnownPiece(piece.Number - 1)?.Digest;

    /// <summary>
    /// Tells a supernode this download moved to which of its newly described pieces are already held, so it
    /// can offer them to other peers.
    /// </summary>
    private async Task<string?> AnnounceHeldAsync(AsyncDuplexStreamingCall<PieceReport, PeerPacket> call, CancellationToken cancellationToken)
    {
        if (_unannounced.Count == 0)
        {
            return null;
        }
        foreach (var number in _unannounced.Where(_described.Contains).ToArray())
        {
            _unannounced.Remove(number);
            try
            {
                await call.RequestStream.WriteAsync(new PieceReport { Piece = new PieceResult { Number = number, ParentId = _task.PeerId, Success = true } }, cancellationToken);
            }
            catch (RpcException e)
            {
                return $"lost while announcing held pieces: {e.Status.Detail}";
            }
        }
        return null;
    }

    private async Task<SessionEnd?> OnPieceDoneAsync(AsyncDuplexStreamingCall<PieceReport, PeerPacket> call, PieceDone done, CancellationToken cancellationToken)
    {
        var (piece, parent, result, writeError) = done;
        var ok = result.IsOk && writeError is null;
        _dispatcher.Finished(piece, parent, ok, result.Status == PieceFetchStatus.DigestMismatch, result.Elapsed, timedOut: result.Status == PieceFetchStatus.Timeout);
        if (writeError is not null)
        {
            return SessionEnd.Done(P2POutcome.Finished(DownloadOutcome.Failure(DownloadErrorKind.InsufficientStorage, $"writing piece {piece.Number} to {_env.Store.RootDirectory} failed: {writeError.Message}")));
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
            CountFetched(piece, parent);
            if (!_described.Contains(piece.Number))
            {
                _unannounced.Add(piece.Number); // fetched from a parent of the supernode this download left
            }
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
            return SessionEnd.Lost($"lost while reporting a piece: {e.Status.Detail}");
        }
    }

    private void Dispatch(CancellationToken cancellationToken)
    {
        _fetches.RemoveAll(t => t.IsCompleted);
        var limit = (int)Math.Min(_env.Options.MaxConcurrentPieces, Math.Max(1, _env.Options.MaxBufferedBytes / _pieceSize));
        while (_dispatcher.InFlight < limit && _dispatcher.Next() is { } next)
        {
            _dispatcher.Started(next.Piece, next.Parent);
            _fetches.Add(FetchAsync(next.Piece, StartOf(next.Piece)!.Value, next.Parent, cancellationToken));
        }
    }

    private async Task FetchAsync(Piece piece, PieceDigest start, ParentState parent, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(piece.Size);
        try
        {
            PieceFetchResult result;
            try
            {
                result = await _env.Fetcher.FetchAsync(parent.BaseAddress, _task.TaskId, piece, start, buffer, _limiters, _env.Options.PieceTimeout, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The loop must hear of every piece it started: a fetch that ended without an event would keep
                // its piece "in flight" until the stall timeout sent the whole download to the source.
                LogFetchFault(e, piece.Number, parent.Id);
                result = new PieceFetchResult(PieceFetchStatus.Unreachable, $"{e.GetType().Name}: {e.Message}", TimeSpan.Zero);
            }
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

    private async Task ReceiveAsync(IAsyncStreamReader<PeerPacket> packets, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            while (await packets.MoveNext(cancellationToken))
            {
                _events.Writer.TryWrite(new PacketReceived(packets.Current, attempt));
            }
            _events.Writer.TryWrite(new StreamEnded("the supernode closed the piece stream", attempt));
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            _events.Writer.TryWrite(new StreamEnded($"{e.StatusCode}: {e.Status.Detail}", attempt));
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
        // Every piece is verified as a link of the content's SHA-256 chain, so the last one's digest is the digest
        // of what is held: the whole content is checked without reading it again.
        var actual = _contentLength == 0 ? Digest.Compute([]) : _dispatcher.KnownPiece(_pieceCount - 1)?.Digest.ContentDigest;
        if (actual is null)
        {
            _content.Discard();
            return P2POutcome.Fallback($"the supernode described the last piece ({_pieceCount - 1}) without the content's digest");
        }
        var expected = _spec.Key.Digest ?? _contentDigest;
        if (expected is not null && actual.ToString() != expected)
        {
            // Only the swarm's word stands against the source's here: the source decides (and fails the download
            // itself if its content does not match a pinned digest either).
            _content.Discard();
            return P2POutcome.Fallback($"the assembled content has digest {actual}, expected {expected}");
        }
        // Readers may send the last piece now: before the bytes are flushed to disk and the supernode hears the result.
        _content.MarkVerified();
        _task.Pulse();
        await _content.CompleteAsync(_contentLength, actual.ToString(), cancellationToken);
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

    private sealed record Registration(P2POutcome? Outcome, string? Problem);

    private sealed record SessionEnd(P2POutcome? Outcome, string? Problem)
    {
        public static SessionEnd Done(P2POutcome outcome) => new(outcome, null);

        public static SessionEnd Lost(string problem) => new(null, problem);
    }

    private static PieceFailure ToFailure(PieceFetchStatus status) => status switch
    {
        PieceFetchStatus.Ok => PieceFailure.Unspecified,
        PieceFetchStatus.DigestMismatch => PieceFailure.DigestMismatch,
        PieceFetchStatus.Timeout => PieceFailure.Timeout,
        PieceFetchStatus.NotHeld => PieceFailure.NotHeld,
        _ => PieceFailure.Unreachable,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduler packet: content length {ContentLength}, task {TaskState}, {NewPieces} new pieces, {Parents} parents")]
    private partial void LogPacket(long contentLength, TaskState taskState, int newPieces, int parents);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving to supernode {Address}, keeping the {Held} pieces held: {Reason}")]
    private partial void LogFailover(Uri address, int held, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supernode {Address} did not accept the registration: {Status} {Detail}")]
    private partial void LogRegisterFailed(Uri address, StatusCode status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Piece {Piece} from parent {ParentId} failed: {Status} {Detail}")]
    private partial void LogPieceFailed(int piece, string parentId, PieceFetchStatus status, string? detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fetching piece {Piece} from parent {ParentId} failed unexpectedly")]
    private partial void LogFetchFault(Exception exception, int piece, string parentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed, but the supernode did not take the result: {Detail}")]
    private partial void LogResultNotDelivered(string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Piece {Piece} from {ParentId} in {ElapsedMs:0.0} ms")]
    private partial void LogPieceDone(int piece, string parentId, double elapsedMs);
}
