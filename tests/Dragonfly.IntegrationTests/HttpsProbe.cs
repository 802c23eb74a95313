using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dragonfly.IntegrationTests;

/// <summary>One HTTPS GET that trusts only a test CA (the chain is checked, not the host name, as our components do).</summary>
public static class HttpsProbe
{
    public static async Task<HttpStatusCode> GetStatusAsync(Uri url, string caFile, X509Certificate2? clientCertificate = null)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.EnabledSslProtocols = SslProtocols.None;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(new X509Certificate2(certificate));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await client.GetAsync(url);
        return response.StatusCode;
    }
}
