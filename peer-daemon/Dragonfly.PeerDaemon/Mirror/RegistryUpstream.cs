using System.Diagnostics.CodeAnalysis;
using Dragonfly.Oci;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>A registry the mirror forwards to: the name clients use (<c>ns=</c>) and where it really is.</summary>
public sealed record RegistryUpstream(string Name, Uri BaseAddress)
{
    public Uri UriFor(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    /// <summary>Parses a <c>mirror:registries</c> entry; returns the problem in words, or null.</summary>
    public static string? TryParseEntry(string entry, out RegistryUpstream? upstream)
    {
        upstream = null;
        var equals = entry.IndexOf('=');
        var name = equals > 0 ? entry[..equals].Trim() : null;
        var url = (equals > 0 ? entry[(equals + 1)..] : entry).Trim();
        if (!MirrorOptions.IsHttpUrl(url))
        {
            return "expected a URL such as http://10.0.0.5:5000 or name=https://registry.example";
        }
        var uri = new Uri(url);
        if (!IsRegistryHost(uri.Authority))
        {
            // Uri accepts hosts (control or bidirectional-override characters, found by the fuzz test) that it cannot
            // parse again once rebuilt into the base address; a registry never has such a host.
            return $"'{uri.Authority}' in {url} is not a registry host[:port]";
        }
        name ??= uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        if (!IsRegistryHost(name))
        {
            return $"'{name}' is not a registry host[:port]";
        }
        upstream = new RegistryUpstream(name, new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"));
        return null;
    }

    /// <summary>A host or host:port as containerd puts it in <c>ns=</c>.</summary>
    public static bool IsRegistryHost([NotNullWhen(true)] string? text) => RegistryHost.IsValid(text);
}
