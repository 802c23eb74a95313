using System.Text.RegularExpressions;

namespace Dragonfly.PeerDaemon.Containerd;

/// <summary>
/// <c>containerd-hosts --certs-dir DIR --mirror URL [--ca-file PEM] [--registry NAME[=SERVER]]... [--default] [--remove]</c>:
/// writes (or removes) containerd hosts.toml files pointing each registry at the mirror; with an https mirror,
/// <c>--ca-file</c> is the CA its certificate chains to, copied next to each hosts.toml. The Helm chart's init container
/// runs it on every node. NAME is the registry as images name it (<c>docker.io</c>, <c>registry.example.com:5000</c>);
/// SERVER is its real address, the fallback (default <c>https://NAME</c>, and registry-1.docker.io for docker.io).
/// </summary>
public static partial class ContainerdHostsCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        string? certsDir = null;
        Uri? mirror = null;
        var registries = new List<(string Name, Uri? Server)>();
        var remove = false;
        string? caFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--certs-dir":
                        certsDir = Value();
                        break;
                    case "--mirror":
                        var text = Value();
                        mirror = Uri.TryCreate(text, UriKind.Absolute, out var m) && m.Scheme is "http" or "https"
                            ? m : throw new ArgumentException($"--mirror '{text}' is not an http(s)://host:port URL");
                        break;
                    case "--ca-file":
                        caFile = Value();
                        break;
                    case "--registry":
                        registries.Add(ParseRegistry(Value()));
                        break;
                    case "--default":
                        registries.Add((HostsTomlWriter.DefaultHost, null));
                        break;
                    case "--remove":
                        remove = true;
                        break;
                    default:
                        throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"containerd-hosts: {e.Message}");
                return 2;
            }
        }
        if (certsDir is null || (mirror is null && !remove) || registries.Count == 0)
        {
            error.WriteLine("usage: containerd-hosts --certs-dir DIR --mirror URL [--ca-file PEM] [--registry NAME[=SERVER]]... [--default] [--remove]");
            return 2;
        }
        if (caFile is not null && mirror?.Scheme != Uri.UriSchemeHttps)
        {
            error.WriteLine($"containerd-hosts: --ca-file is for an https mirror; --mirror is '{mirror}'");
            return 2;
        }
        try
        {
            string? caPem = null;
            if (caFile is not null)
            {
                caPem = File.ReadAllText(caFile);
                if (!caPem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                {
                    error.WriteLine($"containerd-hosts: --ca-file '{caFile}' holds no PEM certificate");
                    return 2;
                }
            }
            foreach (var (name, server) in registries)
            {
                if (remove)
                {
                    output.WriteLine(HostsTomlWriter.Remove(certsDir, name) ? $"removed {name}" : $"left {name} (not written by Dragonfly)");
                }
                else if (HostsTomlWriter.IsForeign(certsDir, name))
                {
                    // Someone configured this registry by hand: leave it, and keep the node's peer daemon starting.
                    error.WriteLine($"containerd-hosts: warning: {Path.Combine(certsDir, name, "hosts.toml")} was not written by Dragonfly; left as it is, so {name} is not mirrored on this node");
                }
                else
                {
                    output.WriteLine($"wrote {HostsTomlWriter.Write(certsDir, name, server, mirror!, caPem)}");
                }
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"containerd-hosts: {e.Message}");
            return 1;
        }
    }

    private static (string Name, Uri? Server) ParseRegistry(string text)
    {
        var equals = text.IndexOf('=');
        var name = equals < 0 ? text : text[..equals];
        if (!RegistryName().IsMatch(name))
        {
            throw new ArgumentException($"--registry '{name}' is not a registry host[:port]");
        }
        if (equals < 0)
        {
            return (name, new Uri(name == "docker.io" ? "https://registry-1.docker.io" : $"https://{name}"));
        }
        var serverText = text[(equals + 1)..];
        return Uri.TryCreate(serverText, UriKind.Absolute, out var server) && server.Scheme is "http" or "https"
            ? (name, server)
            : throw new ArgumentException($"--registry {name}: server '{serverText}' is not an http(s) URL");
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$")]
    private static partial Regex RegistryName();
}
