using Dragonfly.Grpc.Server;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dragonfly.Grpc;

/// <summary>Maps gRPC methods as POST endpoints at their <see cref="Method{TRequest,TResponse}.FullName"/>.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    private const string LoggerCategory = "Dragonfly.Grpc.Server";

    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.Unary, async call =>
        {
            var request = await call.ReadSingleRequestAsync(method.RequestParser).ConfigureAwait(false);
            var response = await handler(request, call.Context).ConfigureAwait(false);
            await WriteSingleResponseAsync(call, response).ConfigureAwait(false);
        });
    }

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.ServerStreaming, async call =>
        {
            var request = await call.ReadSingleRequestAsync(method.RequestParser).ConfigureAwait(false);
            await handler(request, call.CreateWriter<TResponse>(), call.Context).ConfigureAwait(false);
        });
    }

    public static IEndpointConventionBuilder MapGrpcClientStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<IAsyncStreamReader<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.ClientStreaming, async call =>
        {
            var response = await handler(call.CreateReader(method.RequestParser), call.Context).ConfigureAwait(false);
            await WriteSingleResponseAsync(call, response).ConfigureAwait(false);
        });
    }

    public static IEndpointConventionBuilder MapGrpcDuplexStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        Func<IAsyncStreamReader<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.DuplexStreaming, call =>
            handler(call.CreateReader(method.RequestParser), call.CreateWriter<TResponse>(), call.Context));
    }

    /// <summary>
    /// Answers any other POST with an <c>application/grpc*</c> content type with Unimplemented. Needs
    /// <see cref="GrpcServiceCollectionExtensions.AddGrpcWire"/>; non-gRPC requests are left to other endpoints.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcUnimplemented(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!endpoints.ServiceProvider.GetServices<MatcherPolicy>().OfType<GrpcUnimplementedMatcherPolicy>().Any())
        {
            throw new InvalidOperationException("MapGrpcUnimplemented needs services.AddGrpcWire() to be called first.");
        }

        var builder = endpoints.Map("/{**grpcUnimplementedPath}", httpContext => TrailersOnlyResponse.WriteAsync(
            httpContext,
            StatusCodes.Status200OK,
            new Status(StatusCode.Unimplemented, $"Method '{httpContext.Request.Path}' is not implemented.")));
        builder.WithMetadata(GrpcUnimplementedMetadata.Instance);
        builder.WithDisplayName("gRPC unimplemented method");

        // Below every ordinary route, above MapFallback (order int.MaxValue), which the policy leaves non-gRPC requests to.
        builder.Add(endpoint => ((RouteEndpointBuilder)endpoint).Order = int.MaxValue - 1);
        return builder;
    }

    private static IEndpointConventionBuilder Map<TRequest, TResponse>(
        IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        MethodType expectedType,
        Func<ServerCall, Task> body)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expectedType)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}, not {expectedType}.", nameof(method));
        }

        var services = endpoints.ServiceProvider;
        var dispatcher = new ServerCallDispatcher(
            method.FullName,
            body,
            services.GetService<IOptions<GrpcServerOptions>>()?.Value ?? new GrpcServerOptions(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerCategory));
        // Any verb, so that a non-POST gets a 405 from the validator rather than whatever routing makes of it.
        return endpoints.Map(method.FullName, dispatcher.HandleAsync).WithDisplayName("gRPC " + method.FullName);
    }

    private static Task WriteSingleResponseAsync(ServerCall call, IMessage? response) =>
        response is null
            ? throw new InvalidOperationException($"Handler for {call.Context.Method} returned no response message.")
            : call.WriteMessageAsync(response, CancellationToken.None);
}
