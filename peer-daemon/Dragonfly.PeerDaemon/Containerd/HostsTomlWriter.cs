using System.Text;

namespace Dragonfly.PeerDaemon.Containerd;

/// <summary>
/// Writes containerd registry host files (<c>certs.d/&lt;registry&gt;/hosts.toml</c>) that put the peer daemon's mirror in
/// front of each registry and keep the registry itself as the fallback <c>server</c>: when the mirror cannot
/// answer, containerd pulls straight from the registry. Files it writes carry a marker line, and only marked
/// files are ever replaced or removed, so an operator's own hosts.toml is never touched.
/// </summary>
public static class HostsTomlWriter
{
    public const string Marker = "# Written by the Dragonfly peer daemon (containerd-hosts); removed by containerd-hosts --remove.";
    public const string DefaultHost = "_default";

    /// <summary>The mirror's CA, copied next to hosts.toml when the mirror serves HTTPS (containerd resolves a relative <c>ca</c> against that directory).</summary>
    public const string MirrorCaFileName = "dragonfly-mirror-ca.crt";

    /// <summary>
    /// The hosts.toml text; without <paramref name="server"/> (for <see cref="DefaultHost"/>) containerd falls back
    /// to the registry the image names. With <paramref name="trustMirrorCa"/>, containerd verifies the mirror's
    /// certificate against <see cref="MirrorCaFileName"/> in the same directory.
    /// </summary>
    public static string Render(Uri? server, Uri mirror, bool trustMirrorCa = false)
    {
        var text = new StringBuilder().AppendLine(Marker);
        if (server is not null)
        {
            text.AppendLine($"server = \"{server.GetLeftPart(UriPartial.Authority)}\"").AppendLine();
        }
        text.AppendLine($"[host.\"{mirror.GetLeftPart(UriPartial.Authority)}\"]")
            .AppendLine("  capabilities = [\"pull\", \"resolve\"]");
        if (trustMirrorCa)
        {
            text.AppendLine($"  ca = \"{MirrorCaFileName}\"");
        }
        return text.ToString();
    }

    /// <summary>
    /// Writes (atomically) one registry's file, and the mirror's CA (PEM text) next to it when given; refuses to
    /// replace a file without the marker.
    /// </summary>
    public static string Write(string certsDir, string registry, Uri? server, Uri mirror, string? mirrorCaPem = null)
    {
        var directory = Path.Combine(certsDir, registry);
        var path = Path.Combine(directory, "hosts.toml");
        if (File.Exists(path) && !IsOurs(path))
        {
            throw new IOException($"{path} exists and was not written by Dragonfly; leaving it alone (remove it or drop {registry} from the registries to mirror)");
        }
        Directory.CreateDirectory(directory);
        var caPath = Path.Combine(directory, MirrorCaFileName);
        if (mirrorCaPem is not null)
        {
            // The CA first: a hosts.toml naming a CA file that is not there yet would fail containerd's pulls.
            WriteAtomically(caPath, mirrorCaPem);
        }
        WriteAtomically(path, Render(server, mirror, trustMirrorCa: mirrorCaPem is not null));
        if (mirrorCaPem is null)
        {
            File.Delete(caPath); // left by an earlier HTTPS configuration; only this writer creates that name
        }
        return path;
    }

    /// <summary>Removes one registry's file if Dragonfly wrote it; returns whether it did.</summary>
    public static bool Remove(string certsDir, string registry)
    {
        var path = Path.Combine(certsDir, registry, "hosts.toml");
        if (!File.Exists(path) || !IsOurs(path))
        {
            return false;
        }
        File.Delete(path);
        var directory = Path.GetDirectoryName(path)!;
        File.Delete(Path.Combine(directory, MirrorCaFileName));
        if (!Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
        }
        return true;
    }

    /// <summary>True when the registry already has a hosts.toml that Dragonfly did not write.</summary>
    public static bool IsForeign(string certsDir, string registry)
    {
        var path = Path.Combine(certsDir, registry, "hosts.toml");
        return File.Exists(path) && !IsOurs(path);
    }

    private static bool IsOurs(string path) => File.ReadLines(path).FirstOrDefault() == Marker;

    private static void WriteAtomically(string path, string text)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
