using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Dragonfly.Core;

namespace Dragonfly.Oci;

/// <summary>
/// A parsed and validated <c>/v2/...</c> request path: which endpoint, the repository name and the reference.
/// Everything a mirror puts into an upstream URL comes from here, so nothing unvalidated reaches the upstream.
/// </summary>
public sealed partial record OciPath(OciEndpoint Endpoint, string Name, string Reference)
{
    /// <summary>Longest repository name Docker's registry accepts.</summary>
    public const int MaxNameLength = 255;

    /// <summary>The reference as a digest when it is one (always for blobs and referrers).</summary>
    public Digest? Digest => Core.Digest.TryParse(Reference, out var digest, out _) ? digest : null;

    /// <summary>The path to ask an upstream registry for (without the query).</summary>
    public string ToUpstreamPath() => Endpoint switch
    {
        OciEndpoint.ApiBase => "/v2/",
        OciEndpoint.Catalog => "/v2/_catalog",
        OciEndpoint.Manifest => $"/v2/{Name}/manifests/{Reference}",
        OciEndpoint.Blob => $"/v2/{Name}/blobs/{Reference}",
        OciEndpoint.TagList => $"/v2/{Name}/tags/list",
        OciEndpoint.Referrers => $"/v2/{Name}/referrers/{Reference}",
        _ => throw new InvalidOperationException($"{Endpoint} is not forwarded"),
    };

    public static bool TryParse(string path, [NotNullWhen(true)] out OciPath? parsed, [NotNullWhen(false)] out OciError? error)
    {
        parsed = null;
        error = null;
        if (path is "/v2" or "/v2/")
        {
            parsed = new OciPath(OciEndpoint.ApiBase, "", "");
            return true;
        }
        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            error = OciError.NotFound($"'{Shorten(path)}' is not an OCI distribution endpoint; paths start with /v2/");
            return false;
        }
        if (path == "/v2/_catalog")
        {
            parsed = new OciPath(OciEndpoint.Catalog, "", "");
            return true;
        }
        var segments = path[4..].Split('/');
        var n = segments.Length;
        (OciEndpoint Endpoint, int NameSegments, string Reference)? shape =
            n >= 3 && segments[n - 2] == "tags" && segments[n - 1] == "list" ? (OciEndpoint.TagList, n - 2, "")
            : n >= 3 && segments[n - 2] == "blobs" && segments[n - 1] == "uploads" ? (OciEndpoint.BlobUpload, n - 2, "")
            : n >= 4 && segments[n - 3] == "blobs" && segments[n - 2] == "uploads" ? (OciEndpoint.BlobUpload, n - 3, segments[n - 1])
            : n >= 3 && segments[n - 2] == "manifests" ? (OciEndpoint.Manifest, n - 2, segments[n - 1])
            : n >= 3 && segments[n - 2] == "blobs" ? (OciEndpoint.Blob, n - 2, segments[n - 1])
            : n >= 3 && segments[n - 2] == "referrers" ? (OciEndpoint.Referrers, n - 2, segments[n - 1])
            : null;
        if (shape is not { } s)
        {
            error = OciError.NotFound($"'{Shorten(path)}' is not an OCI distribution endpoint; expected /v2/<name>/manifests/<reference>, /v2/<name>/blobs/<digest> or /v2/<name>/tags/list");
            return false;
        }
        var name = string.Join('/', segments, 0, s.NameSegments);
        if (!IsValidName(name))
        {
            error = OciError.NameInvalid($"repository name '{Shorten(name)}' is invalid: lowercase letters, digits and separators (. _ __ -) in '/'-separated components, at most {MaxNameLength} characters");
            return false;
        }
        switch (s.Endpoint)
        {
            case OciEndpoint.Blob or OciEndpoint.Referrers when !Core.Digest.TryParse(s.Reference, out _, out var digestError):
                error = OciError.DigestInvalid(digestError);
                return false;
            case OciEndpoint.Manifest when s.Reference.Contains(':', StringComparison.Ordinal) && !Core.Digest.TryParse(s.Reference, out _, out var digestError):
                error = OciError.DigestInvalid(digestError);
                return false;
            case OciEndpoint.Manifest when !s.Reference.Contains(':', StringComparison.Ordinal) && !TagPattern().IsMatch(s.Reference):
                error = new OciError(400, OciErrorCode.ManifestInvalid, $"'{Shorten(s.Reference)}' is neither a tag ([A-Za-z0-9_][A-Za-z0-9._-], at most 128 characters) nor a digest");
                return false;
        }
        parsed = new OciPath(s.Endpoint, name, s.Reference);
        return true;
    }

    public static bool IsValidName(string name) => name.Length is > 0 and <= MaxNameLength && NamePattern().IsMatch(name);

    /// <summary>A tag: <c>[A-Za-z0-9_][A-Za-z0-9._-]</c>, at most 128 characters.</summary>
    public static bool IsValidTag(string tag) => TagPattern().IsMatch(tag);

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "...";

    [GeneratedRegex("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();
}
