using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>An <see cref="HttpClient"/> for one apiserver: trusts only the given CA and sends the given credential.</summary>
public static class KubeHttpClient
{
    public static HttpClient Create(Uri server, string caPem, KubeCredential credential)
    {
        var ca = X509Certificate2.CreateFromPem(caPem);
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsIssuedBy(ca, certificate, errors),
        };
        if (credential.ClientCertificatePem is { } certificatePem)
        {
            ssl.ClientCertificates = [X509Certificate2.CreateFromPem(certificatePem, credential.ClientKeyPem)];
        }
        var handler = new SocketsHttpHandler { SslOptions = ssl, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        if (credential.Token is { } token)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>Host name errors still count; chain errors are judged against <paramref name="ca"/> alone, not the machine's store.</summary>
    private static bool IsIssuedBy(X509Certificate2 ca, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }
}
