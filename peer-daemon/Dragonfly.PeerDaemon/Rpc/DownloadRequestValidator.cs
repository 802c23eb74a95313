using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>Turns a local API request into a <see cref="DownloadSpec"/>, or InvalidArgument saying what is wrong.</summary>
internal static class DownloadRequestValidator
{
    public static (DownloadSpec Spec, string Output) Validate(DownloadRequest request)
    {
        var key = request.UrlMeta.ToContentKey(request.Url);
        if (key.Validate() is { } problem)
        {
            throw Invalid(problem);
        }
        if (string.IsNullOrEmpty(request.Output) || !Path.IsPathFullyQualified(request.Output))
        {
            throw Invalid($"output '{request.Output}' must be an absolute path");
        }
        var output = Path.GetFullPath(request.Output);
        if (Directory.Exists(output))
        {
            throw Invalid($"output '{output}' is a directory; name a file");
        }
        var directory = Path.GetDirectoryName(output);
        if (directory is null || !Directory.Exists(directory))
        {
            throw Invalid($"the directory of output '{output}' does not exist");
        }
        if (request.RateLimit < 0)
        {
            throw Invalid("rate_limit must not be negative");
        }
        if (HttpHeaders.TryCollect(request.UrlMeta?.Header ?? [], out var headers) is { } headerProblem)
        {
            throw Invalid(headerProblem);
        }
        return (new DownloadSpec(key, headers, request.RateLimit, request.DisableBackToSource), output);
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
