using Dragonfly.Grpc.Server;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dragonfly.Grpc;

public static class GrpcServiceCollectionExtensions
{
    /// <summary>Registers what the <c>MapGrpc*</c> endpoints need: options, routing and the unimplemented-method matcher.</summary>
    public static IServiceCollection AddGrpcWire(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, GrpcUnimplementedMatcherPolicy>());
        services.AddOptions<GrpcServerOptions>()
            .Configure(options => configure?.Invoke(options))
            .Validate(options => options.MaxReceiveMessageSize > 0, "GrpcServerOptions.MaxReceiveMessageSize must be positive.")
            .Validate(options => options.MaxSendMessageSize > 0, "GrpcServerOptions.MaxSendMessageSize must be positive.")
            .ValidateOnStart();
        return services;
    }
}
