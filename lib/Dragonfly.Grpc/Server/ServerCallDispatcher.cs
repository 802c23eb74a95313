using Dragonfly.Grpc.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Grpc.Server;

/// <summary>
/// Runs one mapped method per request: validates the HTTP/2 request, sets up the deadline and cancellation,
/// runs the call body and turns its outcome into the gRPC status.
/// </summary>
internal sealed class ServerCallDispatcher
{
    private readonly string _method;
    private readonly Func<ServerCall, Task> _body;
    private readonly GrpcServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public ServerCallDispatcher(
        string method,
        Func<ServerCall, Task> body,
        GrpcServerOptions options,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _method = method;
        _body = body;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext httpContext)
    {
        if (await RequestValidator.TryRejectAsync(httpContext, _logger).ConfigureAwait(false))
        {
            return;
        }
        // A streaming call sends little and seldom (a piece report now and then, less when the host is busy), and
        // Kestrel's minimum request body rate (240 B/s after a 5 s grace) would abort it mid-download. gRPC calls
        // are bounded by their deadlines and the message size limit instead, as in Grpc.AspNetCore.
        if (httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minimumRate)
        {
            minimumRate.MinDataRate = null;
        }
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = null;
        }

        var timeoutHeader = httpContext.Request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        TimeSpan? timeout = null;
        if (timeoutHeader.Length > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader, out var parsed))
            {
                await TrailersOnlyResponse.WriteAsync(
                    httpContext,
                    StatusCodes.Status200OK,
                    new Status(StatusCode.Internal, $"Invalid grpc-timeout header value '{timeoutHeader}'.")).ConfigureAwait(false);
                return;
            }

            timeout = parsed;
        }

        using var deadlineCts = timeout is { } t && t <= GrpcTimeout.MaxTimerDelay
            ? new CancellationTokenSource(t, _timeProvider)
            : null;
        using var callCts = deadlineCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted)
            : CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, deadlineCts.Token);
        var deadline = timeout is { } d ? _timeProvider.GetUtcNow().UtcDateTime + d : (DateTime?)null;
        var context = new ServerCallContext(
            httpContext,
            _method,
            MetadataHeaders.ToMetadata(httpContext.Request.Headers),
            deadline,
            callCts.Token);
        using var call = new ServerCall(httpContext, context, callCts, _options);
        httpContext.Response.ContentType = GrpcProtocol.ContentType;

        var handlerTask = RunBodyAsync(call, deadlineCts);
        if (deadlineCts is not null)
        {
            var deadlineSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var registration = deadlineCts.Token.Register(() => deadlineSignal.TrySetResult()).ConfigureAwait(false);
            if (await Task.WhenAny(handlerTask, deadlineSignal.Task).ConfigureAwait(false) != handlerTask)
            {
                ServerLog.DeadlineExceeded(_logger, _method);
                await call.CompleteOnDeadlineAsync().ConfigureAwait(false);
                await handlerTask.ConfigureAwait(false); // The handler saw its token cancelled; wait so HttpContext outlives it.
                return;
            }
        }

        var status = await handlerTask.ConfigureAwait(false);
        if (call.IsClientGone)
        {
            ServerLog.CallCancelled(_logger, _method);
            return;
        }

        ServerLog.CallEnded(_logger, _method, status.StatusCode, status.Detail);
        await CompleteAsync(call, status).ConfigureAwait(false);
    }

    private async Task CompleteAsync(ServerCall call, Status status)
    {
        try
        {
            await call.CompleteAsync(status).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && call.IsClientGone)
        {
            ServerLog.CallCancelled(_logger, _method);
        }
    }

    /// <summary>Runs the call body and maps how it ended to a status; never throws.</summary>
    private async Task<Status> RunBodyAsync(ServerCall call, CancellationTokenSource? deadlineCts)
    {
        try
        {
            await _body(call).ConfigureAwait(false);
            return Status.DefaultSuccess;
        }
        catch (Exception ex) when (deadlineCts is { IsCancellationRequested: true })
        {
            ServerLog.HandlerFailedAfterEnd(_logger, _method, ex);
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        catch (RpcException ex)
        {
            foreach (var entry in ex.Trailers)
            {
                call.Context.ResponseTrailers.Add(entry.Key, entry.Value);
            }

            return ex.Status;
        }
        catch (Exception ex) when (call.IsClientGone)
        {
            ServerLog.HandlerFailedAfterEnd(_logger, _method, ex);
            return new Status(StatusCode.Cancelled, "Call cancelled by the client.");
        }
        catch (Exception ex)
        {
            ServerLog.HandlerFailed(_logger, _method, ex);
            return new Status(StatusCode.Unknown, "Exception was thrown by handler.");
        }
    }
}
