using System.Net;
using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>TLS between supernodes and peers (mutual, from files), and HTTPS sources, with a CA the test makes.</summary>
public sealed class TlsTests : ClusterFixture
{
    [Test]
    public async Task MutualTls_PeersAndSupernodeSpeakOnlyTls_AndRefuseClientsWithoutACertificateFromTheCa()
    {
        const long size = 20L << 20;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob"), size);
        using var ca = new TestCertificateAuthority(Output("pki"));
        var (cert, key) = ca.Issue("dragonfly", [.. Enumerable.Range(3, 20).Select(i => IPAddress.Parse($"127.0.0.{i}"))]);
        string[] tls = ["--tls:certFile", cert, "--tls:keyFile", key, "--tls:caFile", ca.CaFile, "--tls:clientAuth", "true"];
        var cluster = await StartClusterAsync(peers: 3, peerArgs: tls, supernodeArgs: tls);
        var url = cluster.Origin.UrlOf("blob");

        var results = await Task.WhenAll(cluster.Peers.Select(p => cluster.DfgetAsync(p, url, Output(p.Name + ".out"), cancellationToken: TestTimeout.Token)));

        foreach (var (peer, result) in cluster.Peers.Zip(results))
        {
            Assert.That(result.ExitCode, Is.Zero, $"{peer.Name}: {result.StandardError}");
            Assert.That(TestFiles.Sha256Of(Output(peer.Name + ".out")), Is.EqualTo(expected));
            Assert.That(result.Summary!.FromSource, Is.Zero, $"{peer.Name} went to the source: TLS between peers and the supernode failed");
        }
        Assert.That(results.Sum(r => r.Summary!.FromPeers), Is.GreaterThan(0), "no piece went peer to peer, so peer TLS was not exercised");
        var peer0 = cluster.Peers[0];
        var pieces = new Uri($"https://{peer0.Ip}:{peer0.Process.Port("uploadPort")}/healthz");
        var scheduler = new Uri($"https://127.0.0.3:{cluster.Supernode!.Port("downloadPort")}/healthz");
        using var stranger = new TestCertificateAuthority(Output("pki-other"), "Stranger CA");

        Assert.Multiple(async () =>
        {
            Assert.That(async () => await GetAsync(new Uri($"http://{peer0.Ip}:{peer0.Process.Port("uploadPort")}/healthz"), ca, clientCertificate: null),
                Throws.InstanceOf<HttpRequestException>(), "cleartext must not be served on the piece port");
            Assert.That(async () => await GetAsync(pieces, ca, clientCertificate: null), Throws.InstanceOf<HttpRequestException>(), "no client certificate");
            Assert.That(async () => await GetAsync(pieces, ca, stranger.IssueLoaded("stranger", IPAddress.Loopback)), Throws.InstanceOf<HttpRequestException>(),
                "a client certificate from another CA");
            Assert.That(await GetAsync(pieces, ca, ca.IssueLoaded("member", IPAddress.Loopback)), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await GetAsync(scheduler, ca, ca.IssueLoaded("member2", IPAddress.Loopback)), Is.EqualTo(HttpStatusCode.OK));
        });

        // The supernode's two ports refuse the same three clients: its piece port (HTTP/1.1) and its scheduler's
        // gRPC port (HTTP/2 only; a member gets /healthz there over h2).
        var grpc = new Uri($"https://127.0.0.3:{cluster.Supernode.Port("grpcPort")}/healthz");
        Assert.Multiple(async () =>
        {
            Assert.That(async () => await GetAsync(new Uri(scheduler.AbsoluteUri.Replace("https://", "http://")), ca, clientCertificate: null),
                Throws.InstanceOf<HttpRequestException>(), "cleartext on the supernode's piece port");
            Assert.That(async () => await GetAsync(scheduler, ca, clientCertificate: null), Throws.InstanceOf<HttpRequestException>(), "supernode piece port, no client certificate");
            Assert.That(async () => await GetAsync(scheduler, ca, stranger.IssueLoaded("stranger2", IPAddress.Loopback)), Throws.InstanceOf<HttpRequestException>(),
                "supernode piece port, a client certificate from another CA");
            Assert.That(async () => await HttpsProbe.GetStatusAsync(new Uri(grpc.AbsoluteUri.Replace("https://", "http://")), ca.CaFile, null, http2: true),
                Throws.InstanceOf<HttpRequestException>(), "cleartext h2 on the scheduler port");
            Assert.That(async () => await HttpsProbe.GetStatusAsync(grpc, ca.CaFile, null, http2: true), Throws.InstanceOf<HttpRequestException>(), "scheduler port, no client certificate");
            Assert.That(async () => await HttpsProbe.GetStatusAsync(grpc, ca.CaFile, stranger.IssueLoaded("stranger3", IPAddress.Loopback), http2: true),
                Throws.InstanceOf<HttpRequestException>(), "scheduler port, a client certificate from another CA");
            Assert.That(await HttpsProbe.GetStatusAsync(grpc, ca.CaFile, ca.IssueLoaded("member4", IPAddress.Loopback), http2: true),
                Is.EqualTo(HttpStatusCode.OK), "a member reaches the scheduler port");
        });

        // The metrics ports serve TLS without asking for a client certificate (Prometheus and the kubelet have
        // none), and serve nothing but the monitoring paths: pieces stay behind mutual TLS.
        var taskPath = "/download/" + Uri.EscapeDataString(results[0].Summary!.TaskId);
        var peerMetrics = $"https://{peer0.Ip}:{peer0.Process.Port("metricsPort")}";
        var supernodeMetrics = $"https://127.0.0.3:{cluster.Supernode.Port("metricsPort")}";
        Assert.Multiple(async () =>
        {
            foreach (var root in new[] { peerMetrics, supernodeMetrics })
            {
                foreach (var path in new[] { "/metrics", "/healthz", "/readyz" })
                {
                    Assert.That(await GetAsync(new Uri(root + path), ca, clientCertificate: null), Is.EqualTo(HttpStatusCode.OK), root + path + " without a client certificate");
                }
                Assert.That(await GetAsync(new Uri(root + taskPath), ca, clientCertificate: null), Is.EqualTo(HttpStatusCode.NotFound),
                    $"{root}: the metrics port must not serve pieces, which mutual TLS protects");
                Assert.That(async () => await GetAsync(new Uri(root.Replace("https://", "http://") + "/metrics"), ca, clientCertificate: null),
                    Throws.InstanceOf<HttpRequestException>(), $"{root}: cleartext on the metrics port");
            }
            Assert.That(await GetAsync(new Uri($"https://{peer0.Ip}:{peer0.Process.Port("uploadPort")}{taskPath}"), ca, ca.IssueLoaded("member3", IPAddress.Loopback)),
                Is.EqualTo(HttpStatusCode.OK), "the same piece path on the piece port, with a member certificate");
        });
    }

    [Test]
    public async Task HttpsSource_TrustedThroughTheConfiguredCa_OtherwiseAClearError()
    {
        const long size = 9L << 20;
        var expected = TestFiles.WriteRandom(Path.Combine(OriginRoot, "blob"), size);
        using var ca = new TestCertificateAuthority(Output("pki"), "Registry CA");
        using var originCertificate = ca.IssueLoaded("origin", IPAddress.Parse("127.0.0.2"));
        string[] trust = ["--tls:sourceCaFile", ca.CaFile];
        var trusting = await StartClusterAsync(peers: 1, peerArgs: trust, supernodeArgs: trust, originCertificate: originCertificate);
        var url = trusting.Origin.UrlOf("blob");
        Assert.That(url.Scheme, Is.EqualTo("https"));

        var ok = await trusting.DfgetAsync(trusting.Peers[0], url, Output("ok"), cancellationToken: TestTimeout.Token);

        Assert.That(ok.ExitCode, Is.Zero, ok.StandardError);
        Assert.That(TestFiles.Sha256Of(Output("ok")), Is.EqualTo(expected));

        var distrusting = await StartClusterAsync(peers: 1, originCertificate: originCertificate);
        var refused = await distrusting.DfgetAsync(distrusting.Peers[0], distrusting.Origin.UrlOf("blob"), Output("refused"), cancellationToken: TestTimeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(refused.ExitCode, Is.Not.Zero);
            Assert.That(refused.StandardError, Does.Contain("certificate").And.Contain("tls:sourceCaFile"));
            Assert.That(File.Exists(Output("refused")), Is.False);
        });
    }

    private static Task<HttpStatusCode> GetAsync(Uri url, TestCertificateAuthority ca, System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate) =>
        HttpsProbe.GetStatusAsync(url, ca.CaFile, clientCertificate);
}
