namespace Dragonfly.LocalCluster.Registry;

/// <summary>Flags for <c>skopeo copy</c>. TLS verification is off by default: every registry here is plain HTTP on loopback.</summary>
public sealed class SkopeoCopyOptions
{
    /// <summary>
    /// <c>--src-tls-verify=VALUE</c> for a <c>docker://</c> source; null passes no flag, so the registries.conf
    /// (<c>insecure = true</c>) decides. An explicit value overrides the file for every host, mirrors included.
    /// </summary>
    public bool? SrcTlsVerify { get; init; } = false;

    /// <summary><c>--dest-tls-verify=VALUE</c> for a <c>docker://</c> destination; null passes no flag.</summary>
    public bool? DestTlsVerify { get; init; } = false;

    public HtpasswdCredentials? SrcCreds { get; init; }

    public HtpasswdCredentials? DestCreds { get; init; }

    /// <summary><c>--registries-conf FILE</c> (hidden in skopeo 1.9's help, but accepted by <c>copy</c>); see <see cref="Skopeo.WriteMirrorRegistriesConf"/>.</summary>
    public string? RegistriesConf { get; init; }

    /// <summary><c>--all</c>: copy every platform of an index, not just the chosen one.</summary>
    public bool All { get; init; }

    /// <summary>Global <c>--override-arch</c> (before <c>copy</c>): the platform picked from an index.</summary>
    public string? OverrideArch { get; init; }

    /// <summary>Global <c>--override-os</c> (before <c>copy</c>).</summary>
    public string? OverrideOs { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}
