using Dragonfly.Oci;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>Chooses the upstream registry for a request: the one named by <c>ns=</c>, or the default.</summary>
public sealed class UpstreamResolver
{
    private const string DockerHub = "docker.io";
    private readonly Dictionary<string, RegistryUpstream> _listed = new(StringComparer.OrdinalIgnoreCase);
    private readonly RegistryUpstream? _default;
    private readonly bool _onlyListed;

    public UpstreamResolver(MirrorOptions options)
    {
        foreach (var entry in options.Registries)
        {
            RegistryUpstream.TryParseEntry(entry, out var upstream);
            _listed[upstream!.Name] = upstream;
        }
        _listed.TryAdd(DockerHub, new RegistryUpstream(DockerHub, new Uri("https://registry-1.docker.io/")));
        if (options.DefaultRegistry.Length > 0)
        {
            var uri = new Uri(options.DefaultRegistry);
            _default = new RegistryUpstream(DockerHub, new Uri(uri.GetLeftPart(UriPartial.Authority) + "/"));
        }
        _onlyListed = options.OnlyListedRegistries;
    }

    public (RegistryUpstream? Upstream, OciError? Error) Resolve(string? ns)
    {
        if (string.IsNullOrEmpty(ns))
        {
            return _default is not null
                ? (_default, null)
                : (null, new OciError(404, OciErrorCode.NameUnknown, "the request names no registry (no ns= parameter) and this mirror has no default registry (mirror:defaultRegistry)"));
        }
        if (!RegistryUpstream.IsRegistryHost(ns))
        {
            return (null, OciError.NameInvalid($"ns='{(ns.Length > 100 ? ns[..100] + "..." : ns)}' is not a registry host[:port]"));
        }
        if (_listed.TryGetValue(ns, out var listed))
        {
            return (listed, null);
        }
        return _onlyListed
            ? (null, new OciError(403, OciErrorCode.Denied, $"registry {ns} is not configured on this mirror; add it to mirror:registries"))
            : (new RegistryUpstream(ns, new Uri($"https://{ns}/")), null);
    }
}
