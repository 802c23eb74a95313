using Dragonfly.Core;
using Dragonfly.Grpc;
using Dragonfly.PeerDaemon.Download;
using Dragonfly.Protocol;
using Dragonfly.Protocol.V1;

namespace Dragonfly.PeerDaemon.Rpc;

/// <summary>Turns a local API request into a <see cref="DownloadSpec"/>, or InvalidArgument saying what is wrong.</summary>
internal static class DownloadRequestValidator
{
    /// <param name="dataDirectory">The daemon's cache, which no output may land in.</param>
    public static (DownloadSpec Spec, string Output) Validate(DownloadRequest request, string dataDirectory)
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
        if (request.Output.Any(char.IsControl))
        {
            // A NUL would otherwise make Path.GetFullPath throw, and the caller would learn nothing but UNKNOWN.
            throw Invalid("output must not contain control characters");
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
        if (IsInside(RealDirectory(directory), RealDirectory(Path.GetFullPath(dataDirectory))))
        {
            // The daemon writes as itself: an output there would replace cached content that the piece server and the
            // mirror hand out as verified. Links are resolved, so a link to a cache folder is refused as well.
            throw Invalid($"output '{output}' is inside the peer daemon's data directory {dataDirectory}; choose a path outside it");
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

    private static bool IsInside(string directory, string root) =>
        (directory + Path.DirectorySeparatorChar).StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>An existing directory's path with every symbolic link along it resolved (what realpath(3) gives).</summary>
    private static string RealDirectory(string directory)
    {
        var root = Path.GetPathRoot(directory)!;
        var real = root;
        foreach (var part in directory[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(real, part);
            try
            {
                real = new DirectoryInfo(next).ResolveLinkTarget(returnFinalTarget: true) is { } target ? RealDirectory(target.FullName) : next;
            }
            catch (IOException e)
            {
                throw Invalid($"the directory of the output cannot be resolved at '{next}': {e.Message}");
            }
        }
        return real;
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
