using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// The token server's signing identity: a self-signed root CA (the registry's <c>rootcertbundle</c>), a leaf
/// certificate issued by it, and the leaf's RSA key that signs each token RS256. The JWT header carries the leaf
/// as <c>x5c</c>; docker-registry 2.8 verifies that chain up to the bundle and then the signature with the leaf's key.
/// </summary>
internal sealed class TokenSigner : IDisposable
{
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _leaf;
    private readonly RSA _leafKey;
    private readonly string _encodedHeader;

    private TokenSigner(X509Certificate2 root, X509Certificate2 leaf, RSA leafKey)
    {
        _root = root;
        _leaf = leaf;
        _leafKey = leafKey;
        var header = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteString("typ", "JWT");
            json.WriteString("alg", "RS256");
            json.WriteStartArray("x5c");
            json.WriteStringValue(Convert.ToBase64String(leaf.RawData));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        _encodedHeader = Base64Url.EncodeToString(header.WrittenSpan);
    }

    /// <summary>The root certificate as PEM, the content of the registry's <c>rootcertbundle</c>.</summary>
    public string RootCertificatePem => _root.ExportCertificatePem();

    public static TokenSigner Create(string issuer, DateTimeOffset now)
    {
        var notBefore = now.AddHours(-1);
        var notAfter = now.AddDays(7);
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest($"CN={issuer} root", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        var root = rootRequest.CreateSelfSigned(notBefore, notAfter);

        var leafKey = RSA.Create(2048);
        var leafRequest = new CertificateRequest($"CN={issuer}", leafKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        var leaf = leafRequest.Create(root, notBefore, notAfter, PositiveSerialNumber());
        return new TokenSigner(root, leaf, leafKey);
    }

    /// <summary>Returns the compact JWS <c>header.claims.signature</c> over the given claims JSON.</summary>
    public string Sign(ReadOnlySpan<byte> claimsJson)
    {
        var signingInput = _encodedHeader + "." + Base64Url.EncodeToString(claimsJson);
        var signature = _leafKey.SignData(System.Text.Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Go's x509 parser rejects negative serial numbers; this one is 128 random bits with the sign bit clear.</summary>
    private static byte[] PositiveSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    public void Dispose()
    {
        _leafKey.Dispose();
        _leaf.Dispose();
        _root.Dispose();
    }
}
