using System.Net;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.Kubernetes;

/// <summary>
/// A call the API server refused or could not complete, with the server's <see cref="V1Status"/> when it sent one.
/// The predicates name the cases callers handle: not found, already exists, conflict (stale resourceVersion), gone
/// (a watch or list resourceVersion too old), invalid (the server's validation, e.g. a custom resource's schema).
/// </summary>
public sealed class KubernetesException(HttpStatusCode statusCode, V1Status? status, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public V1Status? Status { get; } = status;

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;
    public bool IsAlreadyExists => StatusCode == HttpStatusCode.Conflict && Status?.Reason == "AlreadyExists";
    public bool IsConflict => StatusCode == HttpStatusCode.Conflict && Status?.Reason != "AlreadyExists";
    public bool IsGone => StatusCode == HttpStatusCode.Gone || Status?.Reason is "Expired" or "Gone";
    public bool IsInvalid => StatusCode == HttpStatusCode.UnprocessableEntity;
    public bool IsForbidden => StatusCode == HttpStatusCode.Forbidden;
}
