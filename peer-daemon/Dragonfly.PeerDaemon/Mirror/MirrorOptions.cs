using System.Net;
using System.Text.RegularExpressions;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>Settings of the registry mirror and HTTP proxy (keys under <c>mirror:</c>).</summary>
public sealed class MirrorOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Address containerd and Docker connect to; loopback by default (the node's own clients).</summary>
    public string ListenIp { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 65001;

    /// <summary>
    /// Serve the mirror over HTTPS with <c>tls:certFile</c> (no client certificate is asked for). Off by default:
    /// the mirror listens on the node's loopback. containerd then needs the CA: <c>containerd-hosts --ca-file</c>.
    /// </summary>
    public bool Tls { get; set; }

    /// <summary>
    /// Upstream for requests without <c>ns=</c>: Docker's <c>registry-mirrors</c> only sends Docker Hub pulls, so
    /// this is Docker Hub unless changed. Empty refuses such requests.
    /// </summary>
    public string DefaultRegistry { get; set; } = "https://registry-1.docker.io";

    /// <summary>
    /// How to reach registries named by <c>ns=</c>: a URL (<c>http://10.0.0.5:5000</c> for plain HTTP) whose
    /// host:port is the registry's name, or <c>name=url</c> (<c>docker.io=https://registry-1.docker.io</c>).
    /// Registries not listed are reached over HTTPS at the host they are named by.
    /// </summary>
    public List<string> Registries { get; set; } = [];

    /// <summary>Refuse registries not in <see cref="Registries"/> (and not the default).</summary>
    public bool OnlyListedRegistries { get; set; }

    /// <summary>How long a registry's "this client may read this blob" answer is reused.</summary>
    public int AccessCheckSeconds { get; set; } = 30;

    /// <summary>How long to wait for an upstream registry's response headers before telling the client to move on.</summary>
    public int UpstreamTimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// Regular expressions over absolute URLs: a GET through the HTTP proxy whose URL matches goes through the
    /// P2P engine; everything else is relayed directly.
    /// </summary>
    public List<string> ProxyRules { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (!IPAddress.TryParse(ListenIp, out _)) yield return $"mirror:listenIp '{ListenIp}' is not an IP address";
        if (Port is < 0 or > 65535) yield return $"mirror:port {Port} is not a port (0-65535)";
        if (DefaultRegistry.Length > 0 && !IsHttpUrl(DefaultRegistry)) yield return $"mirror:defaultRegistry '{DefaultRegistry}' is not an http(s) URL such as https://registry-1.docker.io";
        foreach (var entry in Registries)
        {
            if (RegistryUpstream.TryParseEntry(entry, out _) is { } problem) yield return $"mirror:registries entry '{entry}': {problem}";
        }
        if (AccessCheckSeconds < 0) yield return $"mirror:accessCheckSeconds {AccessCheckSeconds} is negative";
        if (UpstreamTimeoutSeconds <= 0) yield return $"mirror:upstreamTimeoutSeconds {UpstreamTimeoutSeconds} must be positive";
        foreach (var rule in ProxyRules)
        {
            string? problem = null;
            try
            {
                _ = new Regex(rule, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                problem = e.Message;
            }
            if (problem is not null) yield return $"mirror:proxyRules entry '{rule}' is not a regular expression: {problem}";
        }
    }

    internal static bool IsHttpUrl(string text) => Core.HttpUrl.TryParse(text, out _);
}
