using Dragonfly.Core;
using Dragonfly.Protocol.V1;

namespace Dragonfly.Dfget;

/// <summary>Parsed and checked command line; <see cref="ToRequest"/> builds the local API request.</summary>
public sealed record DfgetArguments(
    string Url, string Output, IReadOnlyList<string> Headers, string? Digest, string? Limit, string? Tag, string? Filter,
    Uri Daemon, bool NoBackToSource, TimeSpan Timeout, bool Json)
{
    /// <summary>The request, or the problem with the arguments in words.</summary>
    public (DownloadRequest? Request, string? Problem) ToRequest()
    {
        var meta = new UrlMeta { Digest = Digest ?? "", Tag = Tag ?? "", Filter = Filter ?? "" };
        foreach (var header in Headers)
        {
            var colon = header.IndexOf(':');
            if (colon <= 0)
            {
                return (null, $"--header '{header}' is not 'Name: value'");
            }
            meta.Header[header[..colon].Trim()] = header[(colon + 1)..].Trim();
        }
        var key = new ContentKey(Url, string.IsNullOrEmpty(Digest) ? null : Digest, Tag, null, Filter);
        if (key.Validate() is { } problem)
        {
            return (null, problem);
        }
        long rate = 0;
        if (!string.IsNullOrEmpty(Limit) && !ByteSize.TryParse(Limit, out rate))
        {
            return (null, $"--limit '{Limit}' is not a rate; write bytes per second like 512K, 20M or 1G");
        }
        return (new DownloadRequest
        {
            Url = Url,
            UrlMeta = meta,
            Output = Path.GetFullPath(Output),
            RateLimit = rate,
            DisableBackToSource = NoBackToSource,
        }, null);
    }
}
