using System.Text;
using System.Text.Json;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// Drives skopeo 1.9: pushes OCI layouts into a registry and copies images out of one, optionally through a
/// mirror declared in a registries.conf.
/// </summary>
/// <remarks>
/// Measured here (skopeo 1.9.3, distribution 2.8.2): with <see cref="WriteMirrorRegistriesConf"/> and a
/// <c>docker://&lt;registry&gt;/...</c> source, skopeo asks the mirror first, with the plain repository path
/// (no <c>ns=</c> query). When the mirror holds the image, every manifest and blob GET goes to the mirror and
/// the origin sees none. When the mirror port does not listen, or the mirror answers 404 for the manifest,
/// skopeo falls back to the origin silently and the copy still succeeds: only the mirror's request count tells
/// the two apart. The file's <c>insecure = true</c> alone is enough for plain HTTP to both hosts (copy with
/// <see cref="SkopeoCopyOptions.SrcTlsVerify"/> null). <c>CONTAINERS_REGISTRIES_CONF</c> is not honoured by
/// this version; the flag is. skopeo also records blob locations in /var/lib/containers/cache (as root),
/// which nothing here can redirect; at worst it makes skopeo try a cross-repository mount first.
/// </remarks>
public static class Skopeo
{
    /// <summary>
    /// <c>skopeo copy --all --dest-tls-verify=false oci:DIR:TAG docker://REF</c>: pushes a tagged image (or
    /// index with all its platforms) from an OCI layout, keeping its OCI media types.
    /// </summary>
    public static async Task PushAsync(string layoutDir, string tag, string destRef, HtpasswdCredentials? creds, CancellationToken cancellationToken)
    {
        var result = await CopyAsync($"oci:{Path.GetFullPath(layoutDir)}:{tag}", "docker://" + destRef,
            new SkopeoCopyOptions { All = true, DestCreds = creds }, cancellationToken);
        result.ThrowIfFailed($"skopeo push of {tag} to {destRef}");
    }

    /// <summary>
    /// <c>skopeo [--override-os OS] [--override-arch ARCH] copy [flags] SRC DEST</c>. References carry their
    /// transport (<c>docker://</c>, <c>oci:</c>, <c>dir:</c>). Returns the result; a failed copy is not thrown.
    /// </summary>
    public static Task<ToolResult> CopyAsync(string srcRef, string destination, SkopeoCopyOptions options, CancellationToken cancellationToken)
    {
        var args = new List<string>();
        if (options.OverrideOs is { } os)
        {
            args.AddRange(["--override-os", os]);
        }
        if (options.OverrideArch is { } arch)
        {
            args.AddRange(["--override-arch", arch]);
        }
        args.Add("copy");
        if (options.All)
        {
            args.Add("--all");
        }
        if (options.RegistriesConf is { } conf)
        {
            args.AddRange(["--registries-conf", conf]);
        }
        if (srcRef.StartsWith("docker://", StringComparison.Ordinal) && options.SrcTlsVerify is { } srcVerify)
        {
            args.Add($"--src-tls-verify={(srcVerify ? "true" : "false")}");
        }
        if (destination.StartsWith("docker://", StringComparison.Ordinal) && options.DestTlsVerify is { } destVerify)
        {
            args.Add($"--dest-tls-verify={(destVerify ? "true" : "false")}");
        }
        if (options.SrcCreds is { } src)
        {
            args.AddRange(["--src-creds", src.UserAndPassword]);
        }
        if (options.DestCreds is { } dest)
        {
            args.AddRange(["--dest-creds", dest.UserAndPassword]);
        }
        args.Add(srcRef);
        args.Add(destination);
        return ToolProcess.RunAsync("skopeo", args, options.Timeout, cancellationToken);
    }

    /// <summary>
    /// Writes a registries.conf (v2 TOML) declaring <paramref name="registryHost"/> as an insecure (plain HTTP)
    /// registry whose pulls go to the insecure mirror <paramref name="mirrorHost"/> first. Returns the path.
    /// </summary>
    public static string WriteMirrorRegistriesConf(string path, string registryHost, string mirrorHost)
    {
        var toml = new StringBuilder();
        toml.AppendLine("unqualified-search-registries = []");
        toml.AppendLine();
        toml.AppendLine("[[registry]]");
        toml.AppendLine($"location = {JsonSerializer.Serialize(registryHost)}");
        toml.AppendLine("insecure = true");
        toml.AppendLine();
        toml.AppendLine("[[registry.mirror]]");
        toml.AppendLine($"location = {JsonSerializer.Serialize(mirrorHost)}");
        toml.AppendLine("insecure = true");
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, toml.ToString());
        return full;
    }
}
