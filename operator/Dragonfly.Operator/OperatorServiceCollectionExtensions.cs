using Dragonfly.Transfer.Tls;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Oci;
using Dragonfly.Operator.Controllers;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Preheat;
using Dragonfly.Operator.Runtime.Controllers;
using Dragonfly.Operator.Runtime.Events;
using Dragonfly.Operator.Runtime.Leadership;
using Dragonfly.Operator.Supernodes;

namespace Dragonfly.Operator;

public static class OperatorServiceCollectionExtensions
{
    /// <summary>The operator's services: the API client, both controllers with their runners, leader election.</summary>
    public static IServiceCollection AddDragonflyOperator(this IServiceCollection services, OperatorOptions options, KubernetesClientConfiguration kubeconfig)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(_ => new KubernetesClient(kubeconfig));
        services.AddSingleton<ApiCapabilities>();
        services.AddSingleton(sp => new EventRecorder(sp.GetRequiredService<KubernetesClient>(), options.FieldManager,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EventRecorder>>()));
        services.AddSingleton(sp => new BearerTokenSource(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RegistryClient(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, sp.GetRequiredService<BearerTokenSource>()));
        services.AddSingleton<ImageResolver>();
        services.AddSingleton<PreheatPlanner>();
        services.AddSingleton<SupernodeDirectory>();
        services.AddSingleton(_ => new SupernodeClients(TlsCredentials.Load(options.Tls)));
        services.AddSingleton<PreheatProgressTracker>();
        services.AddSingleton<SupernodeController>();
        services.AddSingleton<PreheatTaskController>();

        var controllerOptions = new ControllerOptions { Namespace = string.IsNullOrEmpty(options.WatchNamespace) ? null : options.WatchNamespace, Workers = options.Workers };
        services.AddSingleton<IControllerRunner>(sp => new ControllerRunner<V1Alpha1Supernode>(
                sp.GetRequiredService<KubernetesClient>(), sp.GetRequiredService<SupernodeController>, null, controllerOptions,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>())
            .Owns<V1StatefulSet>($"app.kubernetes.io/managed-by={SupernodeNames.ManagedBy}"));
        services.AddSingleton<IControllerRunner>(sp => new ControllerRunner<V1Alpha1PreheatTask>(
            sp.GetRequiredService<KubernetesClient>(), sp.GetRequiredService<PreheatTaskController>, null, controllerOptions,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        if (options.LeaderElection.Enabled)
        {
            services.AddSingleton(sp => new LeaderElector(sp.GetRequiredService<KubernetesClient>(), options.LeaderElection,
                options.LeaderElection.LeaseNamespace ?? sp.GetRequiredService<KubernetesClient>().DefaultNamespace,
                sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LeaderElector>>()));
        }
        services.AddHostedService(sp => new OperatorService(sp.GetServices<IControllerRunner>(), sp.GetService<LeaderElector>(),
            sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<OperatorService>>()));
        return services;
    }
}
