namespace Dragonfly.Transfer.Tls;

/// <summary>
/// Configuration section <c>tls</c> of the supernode and the peer daemon. With a certificate, every port other
/// hosts connect to (the scheduler, the piece servers) serves TLS, and connections to peers and supernodes
/// use TLS; with <see cref="ClientAuth"/>, both ends must present a certificate signed by <see cref="CaFile"/>.
/// The chart mounts these files from a <c>kubernetes.io/tls</c> Secret (tls.crt, tls.key, ca.crt).
/// </summary>
public sealed class TlsOptions
{
    /// <summary>PEM certificate (chain) of this component; it serves TLS with it and presents it as a client for mutual TLS.</summary>
    public string CertFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>PEM CA certificate(s) that sign peer and supernode certificates; empty trusts the system store.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>Require and verify a client certificate signed by <see cref="CaFile"/> (mutual TLS).</summary>
    public bool ClientAuth { get; set; }

    /// <summary>PEM CA certificate(s) trusted for HTTPS sources (registries, origins) in addition to the system store.</summary>
    public string SourceCaFile { get; set; } = "";

    public bool Enabled => !string.IsNullOrEmpty(CertFile);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrEmpty(CertFile) != string.IsNullOrEmpty(KeyFile))
        {
            yield return "tls:certFile and tls:keyFile go together: set both, or neither";
        }
        if (ClientAuth && (string.IsNullOrEmpty(CaFile) || !Enabled))
        {
            yield return "tls:clientAuth needs tls:caFile (to verify clients) and tls:certFile/tls:keyFile (to present as a client)";
        }
        foreach (var (key, path) in new[] { ("tls:certFile", CertFile), ("tls:keyFile", KeyFile), ("tls:caFile", CaFile), ("tls:sourceCaFile", SourceCaFile) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                yield return $"{key} '{path}' does not exist";
            }
        }
    }
}
