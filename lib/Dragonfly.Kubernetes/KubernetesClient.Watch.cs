using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Kubernetes;

public sealed partial class KubernetesClient
{
    /// <summary>
    /// Changes after <paramref name="resourceVersion"/>, with bookmarks, until the server closes the watch (after
    /// <paramref name="timeoutSeconds"/>) or the token is cancelled. A resourceVersion the server no longer has
    /// ends the watch with a <see cref="KubernetesException"/> whose <see cref="KubernetesException.IsGone"/> is true:
    /// list again and watch from the new list's resourceVersion.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace, string? resourceVersion, string? labelSelector = null,
        int timeoutSeconds = 300, [EnumeratorCancellation] CancellationToken cancellationToken = default) where T : class, IKubernetesObject
    {
        var path = CollectionPath<T>(@namespace) + Query(("watch", "true"), ("allowWatchBookmarks", "true"), ("resourceVersion", resourceVersion),
            ("labelSelector", labelSelector), ("timeoutSeconds", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var request = NewRequest(HttpMethod.Get, path, null);
        // The server ends the watch after timeoutSeconds; a connection that went half-open (a load balancer dropped
        // it, the server's node died) would never end, so the client gives up a little after that on its own.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds + 30));
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (HttpRequestException e)
        {
            throw new KubernetesException(HttpStatusCode.ServiceUnavailable, null, $"watch {path}: cannot reach the API server at {_config.Host}: {e.Message}", e);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw Failure(HttpMethod.Get, path, response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(deadline.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // The server or a proxy dropped the stream, or it went silent past the deadline: the watch simply
                    // ends and the caller resumes from the last resourceVersion it saw.
                    yield break;
                }
                if (line is null)
                {
                    yield break;
                }
                if (line.Length == 0)
                {
                    continue;
                }
                yield return Parse<T>(line, path);
            }
        }
    }

    private static WatchEvent<T> Parse<T>(string line, string path)
    {
        using var document = JsonDocument.Parse(line);
        var type = document.RootElement.GetProperty("type").GetString();
        var body = document.RootElement.GetProperty("object");
        if (type == "ERROR")
        {
            var status = body.Deserialize<V1Status>(KubernetesJson.Options);
            throw new KubernetesException((HttpStatusCode)(status?.Code ?? 500), status, $"watch {path} ended by the server: {status?.Message} ({status?.Reason}, {status?.Code})");
        }
        var eventType = type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            _ => throw new KubernetesException(HttpStatusCode.BadGateway, null, $"watch {path}: unknown event type '{type}'"),
        };
        return new WatchEvent<T>(eventType, body.Deserialize<T>(KubernetesJson.Options)
            ?? throw new KubernetesException(HttpStatusCode.BadGateway, null, $"watch {path}: a {type} event without an object"));
    }
}
