using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Dragonfly.Hosting;

/// <summary>
/// Which of a component's listeners a request arrived on. Each component serves several ports from one
/// application; a port's role is stamped on every connection it accepts (before any request is read), so routing
/// by role has no window at start-up and does not depend on knowing the port number, which may be picked by the
/// system (port 0).
/// </summary>
public static class ListenerRoles
{
    /// <summary>The monitoring port: <c>/metrics</c>, <c>/healthz</c> and <c>/readyz</c>, nothing else.</summary>
    public const string Monitoring = "monitoring";

    /// <summary>The peer daemon's registry mirror and file proxy.</summary>
    public const string Mirror = "mirror";

    private const string ItemKey = "dragonfly.listener-role";

    /// <summary>Stamps <paramref name="role"/> on every connection this listener accepts.</summary>
    public static ListenOptions WithRole(this ListenOptions listen, string role)
    {
        listen.Use(next => connection =>
        {
            connection.Items[ItemKey] = role;
            return next(connection);
        });
        return listen;
    }

    /// <summary>The role of the listener that accepted this request's connection, or null for an unmarked one.</summary>
    public static string? ListenerRole(this HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var role) == true ? role as string : null;

    /// <summary>
    /// Confines the monitoring port to the monitoring paths: it may serve TLS without a client certificate (for
    /// Prometheus and kubelet probes), so it must not also serve pieces or APIs that mutual TLS protects.
    /// </summary>
    public static IApplicationBuilder UseMonitoringPortConfinement(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.ListenerRole() == Monitoring && !IsMonitoringPath(context.Request.Path))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync("the monitoring port serves /metrics, /healthz and /readyz only\n");
            }
            return next(context);
        });

    private static bool IsMonitoringPath(PathString path) =>
        path.Equals("/metrics", StringComparison.Ordinal) || path.Equals("/healthz", StringComparison.Ordinal) || path.Equals("/readyz", StringComparison.Ordinal);
}
