using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Dragonfly.IntegrationTests;

/// <summary>One HTTPS GET that trusts only a test CA (the chain is checked, not the host name, as our components do).</summary>
public static class HttpsProbe
{
    /// <param name="http2">Speak HTTP/2 only (an h2 port such as the scheduler's gRPC port), not HTTP/1.1.</param>
    public static async Task<HttpStatusCode> GetStatusAsync(Uri url, string caFile, X509Certificate2? clientCertificate = null, bool http2 = false)
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
        using var request = new HttpRequestMessage(HttpMethod.Get, url)
        {
            Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
