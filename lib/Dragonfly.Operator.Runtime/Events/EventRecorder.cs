using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace Dragonfly.Operator.Runtime.Events;

/// <summary>
/// Publishes core/v1 Events about objects, the ones <c>kubectl describe</c> lists. A repeat of the same reason and
/// message for the same object bumps the existing event's count instead of adding another. Events are advisory:
/// a failure to write one is logged and never fails a reconcile.
/// </summary>
public sealed partial class EventRecorder(KubernetesClient client, string component, TimeProvider time, ILogger<EventRecorder> logger)
{
    private const int MaxRemembered = 4096;
    private readonly ConcurrentDictionary<string, (string Namespace, string Name, int Count)> _recent = new();

    public async Task PublishAsync(IKubernetesObject about, string reason, string message, EventType type = EventType.Normal, CancellationToken cancellationToken = default)
    {
        var info = EntityInfo.Of(about.GetType());
        var ns = about.Metadata.Namespace ?? "default";
        var key = $"{about.Metadata.Uid}|{reason}|{message}";
        var now = time.GetUtcNow();
        try
        {
            if (_recent.TryGetValue(key, out var seen))
            {
                var count = seen.Count + 1;
                try
                {
                    await client.PatchAsync<Corev1Event>(seen.Name, seen.Namespace, new { count, lastTimestamp = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") }, cancellationToken);
                    _recent[key] = (seen.Namespace, seen.Name, count);
                    return;
                }
                catch (KubernetesException e) when (e.IsNotFound)
                {
                    // The server expired the event (events live an hour by default): start a new one.
                    _recent.TryRemove(key, out _);
                }
            }
            if (_recent.Count >= MaxRemembered)
            {
                _recent.Clear();
            }
            var name = $"{about.Metadata.Name}.{Suffix(key, now)}";
            await client.CreateAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, Namespace = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = about.ApiVersion ?? info.GroupVersion,
                    Kind = about.Kind ?? info.Kind,
                    Name = about.Metadata.Name,
                    Namespace = about.Metadata.Namespace,
                    Uid = about.Metadata.Uid,
                    ResourceVersion = about.Metadata.ResourceVersion,
                },
                Reason = reason,
                Message = message,
                Type = type.ToString(),
                Count = 1,
                FirstTimestamp = now,
                LastTimestamp = now,
                Source = new V1EventSource { Component = component },
                ReportingComponent = component,
                ReportingInstance = Environment.MachineName,
            }, cancellationToken);
            _recent[key] = (ns, name, 1);
        }
        catch (KubernetesException e)
        {
            _recent.TryRemove(key, out _);
            LogFailed(e, reason, about.Metadata.Name);
        }
    }

    private static string Suffix(string key, DateTimeOffset now) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{key}|{now.UtcTicks}")))[..16];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record event {Reason} for {Name}")]
    private partial void LogFailed(Exception error, string reason, string? name);
}
