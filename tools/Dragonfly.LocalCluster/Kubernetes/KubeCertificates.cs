using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>
/// The PKI of one test apiserver, written as PEM files into a directory: a serving CA and the serving
/// certificate for 127.0.0.1/localhost, a client CA and an admin client certificate (CN=admin,
/// O=system:masters), and the RSA key that signs and verifies service-account tokens. Keys are PKCS#8.
/// </summary>
internal sealed class KubeCertificates
{
    private KubeCertificates(string dir) => Dir = dir;

    public string Dir { get; }

    public string CaPem { get; private init; } = "";

    public string CaFile => Path.Combine(Dir, "ca.crt");

    public string ServingCertificateFile => Path.Combine(Dir, "apiserver.crt");

    public string ServingKeyFile => Path.Combine(Dir, "apiserver.key");

    public string ClientCaFile => Path.Combine(Dir, "client-ca.crt");

    public string AdminCertificatePem { get; private init; } = "";

    public string AdminKeyPem { get; private init; } = "";

    public string AdminCertificateFile => Path.Combine(Dir, "admin.crt");

    public string AdminKeyFile => Path.Combine(Dir, "admin.key");

    public string ServiceAccountKeyFile => Path.Combine(Dir, "service-account.key");

    public string ServiceAccountPublicKeyFile => Path.Combine(Dir, "service-account.pub");

    public static async Task<KubeCertificates> CreateAsync(string dir, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dir);
        var notBefore = now.AddHours(-1);
        var notAfter = now.AddDays(7);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = CreateCa("dragonfly-test-ca", caKey, notBefore, notAfter);
        using var clientCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var clientCa = CreateCa("dragonfly-test-client-ca", clientCaKey, notBefore, notAfter);

        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        using var servingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var serving = Issue(ca, "CN=kube-apiserver", servingKey, "1.3.6.1.5.5.7.3.1", san.Build(), notBefore, notAfter);
        using var adminKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var admin = Issue(clientCa, "CN=admin, O=system:masters", adminKey, "1.3.6.1.5.5.7.3.2", null, notBefore, notAfter);
        using var serviceAccountKey = RSA.Create(2048);

        var certificates = new KubeCertificates(dir)
        {
            CaPem = ca.ExportCertificatePem() + "\n",
            AdminCertificatePem = admin.ExportCertificatePem() + "\n",
            AdminKeyPem = adminKey.ExportPkcs8PrivateKeyPem() + "\n",
        };
        await File.WriteAllTextAsync(certificates.CaFile, certificates.CaPem, cancellationToken);
        await File.WriteAllTextAsync(certificates.ClientCaFile, clientCa.ExportCertificatePem() + "\n", cancellationToken);
        await File.WriteAllTextAsync(certificates.ServingCertificateFile, serving.ExportCertificatePem() + "\n", cancellationToken);
        PrivateFile.Write(certificates.ServingKeyFile, servingKey.ExportPkcs8PrivateKeyPem() + "\n");
        await File.WriteAllTextAsync(certificates.AdminCertificateFile, certificates.AdminCertificatePem, cancellationToken);
        PrivateFile.Write(certificates.AdminKeyFile, certificates.AdminKeyPem);
        PrivateFile.Write(certificates.ServiceAccountKeyFile, serviceAccountKey.ExportPkcs8PrivateKeyPem() + "\n");
        await File.WriteAllTextAsync(certificates.ServiceAccountPublicKeyFile, serviceAccountKey.ExportSubjectPublicKeyInfoPem() + "\n", cancellationToken);
        return certificates;
    }

    private static X509Certificate2 CreateCa(string name, ECDsa key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, ECDsa key, string extendedKeyUsage, X509Extension? san,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(extendedKeyUsage)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (san is not null)
        {
            request.CertificateExtensions.Add(san);
        }
        return request.Create(ca, notBefore, notAfter, PositiveSerialNumber());
    }

    /// <summary>Go's x509 parser rejects negative serial numbers; this one is 128 random bits with the sign bit clear.</summary>
    private static byte[] PositiveSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }
}
