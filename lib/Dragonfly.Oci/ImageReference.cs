using System.Diagnostics.CodeAnalysis;
using Dragonfly.Core;

namespace Dragonfly.Oci;

/// <summary>
/// An image reference as users write it: <c>[registry/]repository[:tag][@digest]</c>. A first component with a
/// '.' or ':' or equal to <c>localhost</c> is the registry; otherwise the registry is docker.io, where one-part
/// names live under <c>library/</c>. Without tag or digest the tag is <c>latest</c>.
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>The manifest reference to ask for: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag ?? "latest";

    /// <summary>The registry's API host: docker.io is served by registry-1.docker.io.</summary>
    public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    public override string ToString() =>
        $"{Registry}/{Repository}{(Tag is null ? "" : ":" + Tag)}{(Digest is null ? "" : "@" + Digest)}";

    public static bool TryParse(string text, [NotNullWhen(true)] out ImageReference? reference, [NotNullWhen(false)] out string? error)
    {
        reference = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 512 || text.Any(char.IsWhiteSpace))
        {
            error = $"'{text}' is not an image reference: it is empty, too long or contains spaces";
            return false;
        }
        var rest = text;
        Digest? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            if (!Core.Digest.TryParse(rest[(at + 1)..], out var parsed, out var digestError))
            {
                error = $"'{text}': {digestError}";
                return false;
            }
            digest = parsed;
            rest = rest[..at];
        }
        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!OciPath.IsValidTag(tag))
            {
                error = $"'{text}': tag '{tag}' is invalid: letters, digits, '_', '.', '-', not starting with '.' or '-', at most 128 characters";
                return false;
            }
        }
        var registry = DockerHub;
        var firstSlash = rest.IndexOf('/');
        if (firstSlash > 0)
        {
            var first = rest[..firstSlash];
            if (first.Contains('.') || first.Contains(':') || first == "localhost")
            {
                registry = first;
                rest = rest[(firstSlash + 1)..];
            }
        }
        if (!RegistryHost.IsValid(registry))
        {
            // It becomes the authority of the registry's URL: anything but host[:port] would point elsewhere or not parse.
            error = $"'{text}': registry '{registry}' is not a host or host:port";
            return false;
        }
        if (registry is "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
        }
        if (registry == DockerHub && !rest.Contains('/'))
        {
            rest = "library/" + rest;
        }
        if (!OciPath.IsValidName(rest))
        {
            error = $"'{text}': repository '{rest}' is invalid: lowercase letters, digits and separators (. _ __ -) in '/'-separated components";
            return false;
        }
        if (tag is null && digest is null)
        {
            tag = "latest";
        }
        reference = new ImageReference(registry, rest, tag, digest);
        error = null;
        return true;
    }
}
