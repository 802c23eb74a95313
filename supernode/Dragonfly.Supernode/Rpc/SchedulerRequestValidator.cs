using System.Net;
using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Supernode.Rpc;

/// <summary>Checks requests at the edge; a bad one becomes InvalidArgument with words saying what is wrong.</summary>
internal static class SchedulerRequestValidator
{
    private const int MaxIdLength = 256;

    public static (TaskId TaskId, ContentKey Key) ValidateContent(string url, UrlMeta? meta, string? claimedTaskId)
    {
        var key = meta.ToContentKey(url);
        if (key.Validate() is { } problem)
        {
            throw Invalid(problem);
        }
        var taskId = key.ToTaskId();
        if (!string.IsNullOrEmpty(claimedTaskId) && claimedTaskId != taskId.Value)
        {
            throw Invalid($"task_id {claimedTaskId} does not match the url and url_meta, which give {taskId}");
        }
        return (taskId, key);
    }

    public static void ValidatePeer(string peerId, HostInfo? host)
    {
        ValidateId("peer_id", peerId);
        if (host is null)
        {
            throw Invalid("host is required");
        }
        ValidateId("host.id", host.Id);
        if (!IPAddress.TryParse(host.Ip, out _))
        {
            throw Invalid($"host.ip '{host.Ip}' is not an IP address");
        }
        if (host.DownloadPort is <= 0 or > 65535)
        {
            throw Invalid($"host.download_port {host.DownloadPort} is not a port (1-65535)");
        }
    }

    /// <summary>The headers to forward to the source, names compared case-insensitively (last one wins).</summary>
    public static IReadOnlyDictionary<string, string> Headers(UrlMeta? meta)
    {
        var problem = HttpHeaders.TryCollect(meta?.Header ?? [], out var headers);
        return problem is null ? headers : throw Invalid(problem);
    }

    public static TaskId ParseTaskId(string text) =>
        TaskId.TryParse(text, out var id) ? id.Value : throw Invalid($"task_id '{Truncate(text)}' is not 64 lowercase hex characters");

    public static void ValidateId(string field, string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxIdLength || value.Any(char.IsControl))
        {
            throw Invalid($"{field} must be 1-{MaxIdLength} printable characters");
        }
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
