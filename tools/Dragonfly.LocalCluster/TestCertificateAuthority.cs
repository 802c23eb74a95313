using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dragonfly.LocalCluster;

/// <summary>
/// A throwaway certificate authority for tests: a self-signed ECDSA root and leaf certificates it signs,
/// written as PEM files the way a <c>kubernetes.io/tls</c> Secret holds them (tls.crt, tls.key, ca.crt).
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;
    private readonly X509Certificate2 _root;
    private readonly string _dir;

    public TestCertificateAuthority(string directory, string name = "Dragonfly Test CA")
    {
        _dir = directory;
        Directory.CreateDirectory(directory);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _root = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaFile = Path.Combine(directory, Slug(name) + "-ca.crt");
        File.WriteAllText(CaFile, _root.ExportCertificatePem());
    }

    /// <summary>PEM file of the root certificate.</summary>
    public string CaFile { get; }

    /// <summary>
    /// Issues a certificate for <paramref name="name"/> valid for the given IP addresses, usable as a server and
    /// as a client certificate. Returns the PEM certificate and key files.
    /// </summary>
    public (string CertFile, string KeyFile) Issue(string name, params IPAddress[] addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(_root, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), serial);
        var certFile = Path.Combine(_dir, Slug(name) + ".crt");
        var keyFile = Path.Combine(_dir, Slug(name) + ".key");
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    /// <summary>A leaf certificate with its key, loaded (for an in-process server or client).</summary>
    public X509Certificate2 IssueLoaded(string name, params IPAddress[] addresses)
    {
        var (certFile, keyFile) = Issue(name, addresses);
        return X509Certificate2.CreateFromPemFile(certFile, keyFile);
    }

    public void Dispose()
    {
        _root.Dispose();
        _key.Dispose();
    }

    private static string Slug(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
}
