using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dragonfly.Hosting.Metrics;

public static class MetricsEndpointExtensions
{
    /// <summary>Registers the exporter (it starts listening when first resolved; resolve it before work starts).</summary>
    public static IServiceCollection AddPrometheusExporter(this IServiceCollection services)
    {
        services.TryAddSingleton<PrometheusExporter>();
        return services;
    }

    /// <summary><c>GET /metrics</c> in the Prometheus text format.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints, string path = "/metrics")
    {
        var exporter = endpoints.ServiceProvider.GetRequiredService<PrometheusExporter>();
        return endpoints.MapGet(path, () => Results.Text(exporter.Render(), PrometheusExporter.ContentType));
    }

    /// <summary>
    /// The monitoring endpoints every component serves: <c>/metrics</c>, <c>/healthz</c> (the process answers) and
    /// <c>/readyz</c>: 200 once every port is bound (requests are only answered then) and
    /// <paramref name="notReadyReason"/> gives null; otherwise 503 with the reason. The monitoring listener
    /// (see <see cref="ListenerRoles"/>) serves these and nothing else.
    /// </summary>
    public static void MapMonitoring(this WebApplication app, Func<string?>? notReadyReason = null)
    {
        app.UseMonitoringPortConfinement();
        app.MapPrometheusMetrics();
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => notReadyReason?.Invoke() is { } reason
            ? Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));
    }
}
