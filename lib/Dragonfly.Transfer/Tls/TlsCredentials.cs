using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Dragonfly.Transfer.Tls;

/// <summary>
/// The certificates of <see cref="TlsOptions"/>, loaded once at start: how this component's listeners serve
/// TLS and how its clients verify peers, supernodes and sources. Peers reach each other by IP address, so a
/// peer or supernode is trusted when its chain ends at the configured CA; the host name is not compared.
/// </summary>
public sealed class TlsCredentials
{
    private TlsCredentials(X509Certificate2? certificate, X509Certificate2Collection? authorities, X509Certificate2Collection? sourceAuthorities, bool clientAuth)
    {
        Certificate = certificate;
        Authorities = authorities;
        SourceAuthorities = sourceAuthorities;
        ClientAuth = clientAuth;
    }

    /// <summary>No TLS: cleartext listeners, the system trust store for sources.</summary>
    public static TlsCredentials None { get; } = new(null, null, null, false);

    public X509Certificate2? Certificate { get; }

    public X509Certificate2Collection? Authorities { get; }

    public X509Certificate2Collection? SourceAuthorities { get; }

    public bool ClientAuth { get; }

    /// <summary>Whether listeners serve TLS (and peers and supernodes are reached over https).</summary>
    public bool Enabled => Certificate is not null;

    /// <summary>For start-up logs: <c>off</c>, <c>on</c> or <c>mutual</c>.</summary>
    public string Describe() => !Enabled ? "off" : ClientAuth ? "mutual" : "on";

    /// <summary>The URI scheme of piece servers and schedulers.</summary>
    public string Scheme => Enabled ? Uri.UriSchemeHttps : Uri.UriSchemeHttp;

    /// <summary>Loads the files named by <paramref name="options"/>; throws with the file and the reason when one cannot be used.</summary>
    public static TlsCredentials Load(TlsOptions options)
    {
        X509Certificate2? certificate = null;
        if (options.Enabled)
        {
            try
            {
                certificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
            }
            catch (CryptographicException e)
            {
                throw new InvalidOperationException($"tls:certFile '{options.CertFile}' with tls:keyFile '{options.KeyFile}' is not a usable PEM certificate and key: {e.Message}", e);
            }
        }
        return new TlsCredentials(certificate, LoadAuthorities("tls:caFile", options.CaFile), LoadAuthorities("tls:sourceCaFile", options.SourceCaFile), options.ClientAuth);
    }

    /// <summary>Loads the files named by <paramref name="options"/>; false with the reason (naming the key and file) when one cannot be used.</summary>
    public static bool TryLoad(TlsOptions options, out TlsCredentials credentials, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        try
        {
            credentials = Load(options);
            problem = null;
            return true;
        }
        catch (InvalidOperationException e)
        {
            credentials = None;
            problem = e.Message;
            return false;
        }
    }

    /// <summary>Makes a Kestrel listener serve TLS (and require client certificates with mutual TLS); does nothing without a certificate.</summary>
    public void UseOn(ListenOptions listen) => UseOn(listen, ClientAuth);

    /// <summary>
    /// Makes a Kestrel listener serve TLS without ever asking for a client certificate, even under mutual TLS:
    /// for ports whose clients have none (Prometheus and kubelet probes on the metrics port, containerd on the
    /// mirror). Such a port must serve nothing that mutual TLS protects.
    /// </summary>
    public void UseServerOnlyOn(ListenOptions listen) => UseOn(listen, requireClientCertificate: false);

    private void UseOn(ListenOptions listen, bool requireClientCertificate)
    {
        if (Certificate is null)
        {
            return;
        }
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = Certificate,
            ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = (certificate, _, _) => IsSignedByAuthorities(certificate),
        });
    }

    /// <summary>Client TLS towards peers and supernodes: trust the CA, present this certificate for mutual TLS.</summary>
    public SslClientAuthenticationOptions ForPeers() => new()
    {
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            certificate is not null && (Authorities is null ? errors == SslPolicyErrors.None : IsSignedByAuthorities(new X509Certificate2(certificate))),
        ClientCertificates = Certificate is null ? null : [Certificate],
    };

    /// <summary>Client TLS towards sources: the system store, plus the configured source CA.</summary>
    public SslClientAuthenticationOptions ForSources() => new()
    {
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None
            || (SourceAuthorities is not null && certificate is not null
                && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
                && ChainsTo(new X509Certificate2(certificate), SourceAuthorities)),
    };

    private bool IsSignedByAuthorities(X509Certificate2 certificate) => Authorities is not null && ChainsTo(certificate, Authorities);

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static X509Certificate2Collection? LoadAuthorities(string key, string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{key} '{path}' is not a PEM certificate file: {e.Message}", e);
        }
        return collection.Count > 0 ? collection : throw new InvalidOperationException($"{key} '{path}' holds no certificate");
    }
}
