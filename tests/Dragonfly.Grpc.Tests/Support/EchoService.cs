using Dragonfly.Grpc.Tests.Interop;
using Microsoft.AspNetCore.Routing;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>The C# implementation of interop.v1.Echo used by the tests (mirrors interop/server.js).</summary>
public sealed class EchoService
{
    /// <summary>A Fail request with this code makes the handler throw a plain exception instead of an RpcException.</summary>
    public const int ThrowPlainExceptionCode = -1;

    private readonly EchoProbe _probe;

    public EchoService(EchoProbe probe) => _probe = probe;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcUnary(EchoMethods.Unary, UnaryAsync);
        endpoints.MapGrpcServerStreaming(EchoMethods.ServerStream, ServerStreamAsync);
        endpoints.MapGrpcClientStreaming(EchoMethods.ClientStream, ClientStreamAsync);
        endpoints.MapGrpcDuplexStreaming(EchoMethods.Bidi, BidiAsync);
        endpoints.MapGrpcUnary(EchoMethods.Fail, FailAsync);
        endpoints.MapGrpcUnary(EchoMethods.Slow, SlowAsync);
    }

    private Task<EchoReply> UnaryAsync(EchoRequest request, ServerCallContext context)
    {
        EchoHeader(context);
        _probe.LastUnaryContext.TrySetResult(context);
        return Task.FromResult(new EchoReply { Text = request.Text });
    }

    private static async Task ServerStreamAsync(StreamRequest request, IServerStreamWriter<EchoReply> writer, ServerCallContext context)
    {
        EchoHeader(context);
        for (var i = 0; i < request.Count; i++)
        {
            await writer.WriteAsync(new EchoReply { Text = $"{request.Text}-{i}", Index = i }, context.CancellationToken);
        }
    }

    private static async Task<Sum> ClientStreamAsync(IAsyncStreamReader<Number> reader, ServerCallContext context)
    {
        var sum = new Sum();
        await foreach (var number in reader.ReadAllAsync(context.CancellationToken))
        {
            sum.Total += number.Value;
            sum.Count++;
        }

        return sum;
    }

    private async Task BidiAsync(IAsyncStreamReader<EchoRequest> reader, IServerStreamWriter<EchoReply> writer, ServerCallContext context)
    {
        var cancelled = _probe.BidiCancelled;
        var readFailed = _probe.BidiReadFailed;
        await using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult());
        var index = 0;
        while (true)
        {
            try
            {
                if (!await reader.MoveNext(context.CancellationToken))
                {
                    return;
                }
            }
            catch (Exception)
            {
                readFailed.TrySetResult(context.CancellationToken.IsCancellationRequested);
                throw;
            }

            await writer.WriteAsync(new EchoReply { Text = reader.Current.Text, Index = index++ }, context.CancellationToken);
        }
    }

    private static Task<EchoReply> FailAsync(FailRequest request, ServerCallContext context)
    {
        EchoHeader(context);
        if (request.Code == ThrowPlainExceptionCode)
        {
            throw new InvalidOperationException(request.Message);
        }

        throw new RpcException(new Status((StatusCode)request.Code, request.Message));
    }

    private async Task<EchoReply> SlowAsync(SlowRequest request, ServerCallContext context)
    {
        await using var registration = context.CancellationToken.Register(() => _probe.SlowCancelled.TrySetResult());
        _probe.SlowStarted.TrySetResult(context);
        try
        {
            if (request.IgnoreCancellation)
            {
                await _probe.SlowRelease.Task.WaitAsync(EchoProbe.WaitLimit);
            }
            else
            {
                var delay = request.DelayMs > 0 ? TimeSpan.FromMilliseconds(request.DelayMs) : TimeSpan.FromSeconds(30);
                await Task.Delay(delay, context.CancellationToken);
            }

            return new EchoReply { Text = "slow" };
        }
        finally
        {
            _probe.SlowFinished.TrySetResult();
        }
    }

    private static void EchoHeader(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValue("x-echo") is { } value)
        {
            context.ResponseTrailers.Add("x-echo", value);
        }
    }
}
