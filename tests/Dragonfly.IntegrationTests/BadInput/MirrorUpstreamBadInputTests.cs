using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// A registry that misbehaves behind the mirror: manifests whose bytes do not match their digest, manifests too
/// large to be one, blobs with the wrong bytes or cut short, an answer that never comes. The mirror must never
/// hand out bytes under a digest they do not have (a 502 before anything is sent, or a body cut short so the
/// client cannot take it for whole), must not keep such bytes in any cache, and must not hang.
/// </summary>
[TestFixture]
[Category("BadInput")]
public sealed class MirrorUpstreamBadInputTests : ScriptedMirrorFixture
{
    private const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    private static byte[] ManifestBytes(string marker) => Encoding.UTF8.GetBytes(
        $$$"""{"schemaVersion":2,"mediaType":"{{{OciManifest}}}","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{new string('c', 64)}}}","size":2},"layers":[],"annotations":{"m":"{{{marker}}}"}}""");

    private static string Unique() => Guid.NewGuid().ToString("N")[..8];

    [Test]
    public async Task Manifest_BodyNotMatchingTheRequestedDigest_502AndNotRelayed()
    {
        var asked = DigestOf(ManifestBytes("asked"));
        var served = ManifestBytes("something else");
        Registry.Script($"/v2/bad/app/manifests/{asked}", ScriptedRegistry.Bytes(served, OciManifest, asked));

        using var response = await GetAsync(MirrorUrl($"/v2/bad/app/manifests/{asked}"));

        await AssertOciErrorAsync(response, 502, "UNAVAILABLE", DigestOf(served));
    }

    [Test]
    public async Task Manifest_ByTagWithALyingDockerContentDigest_502()
    {
        var body = ManifestBytes("tagged");
        var claimed = "sha256:" + new string('d', 64);
        Registry.Script("/v2/bad/app/manifests/lying", ScriptedRegistry.Bytes(body, OciManifest, claimed));

        using var response = await GetAsync(MirrorUrl("/v2/bad/app/manifests/lying"));

        await AssertOciErrorAsync(response, 502, "UNAVAILABLE", claimed);
    }

    [Test]
    public async Task Manifest_ByTagWithATruthfulOrNoDigestHeader_RelayedByteExact()
    {
        var body = ManifestBytes("fine");
        Registry.Script("/v2/bad/app/manifests/truthful", ScriptedRegistry.Bytes(body, OciManifest, DigestOf(body)));
        Registry.Script("/v2/bad/app/manifests/silent", ScriptedRegistry.Bytes(body, OciManifest, digestHeader: null, chunked: true));

        foreach (var tag in new[] { "truthful", "silent" })
        {
            using var response = await GetAsync(MirrorUrl($"/v2/bad/app/manifests/{tag}"));

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), tag);
            Assert.That(await response.Content.ReadAsByteArrayAsync(Timeout), Is.EqualTo(body), tag);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(OciManifest), tag);
        }
    }

    [Test]
    public async Task Manifest_InvalidJsonMatchingItsDigest_RelayedByteExactForTheClientToRefuse()
    {
        // The mirror vouches for bytes, not for their meaning: what the registry holds under this digest is exactly
        // this, and the client's manifest parser is the one to refuse it (as it would from the registry itself).
        var garbage = Encoding.UTF8.GetBytes("{\"schemaVersion\": 2, \"layers\": [ {\"digest\": ");
        var digest = DigestOf(garbage);
        Registry.Script($"/v2/bad/app/manifests/{digest}", ScriptedRegistry.Bytes(garbage, OciManifest, digest));

        using var response = await GetAsync(MirrorUrl($"/v2/bad/app/manifests/{digest}"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(Timeout), Is.EqualTo(garbage));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Manifest_LargerThan4MiB_502(bool chunked)
    {
        var huge = new byte[(4 << 20) + 1];
        huge.AsSpan().Fill((byte)' ');
        huge[0] = (byte)'{';
        huge[^1] = (byte)'}';
        var path = $"/v2/bad/app/manifests/huge-{Unique()}";
        Registry.Script(path, ScriptedRegistry.Bytes(huge, OciManifest, DigestOf(huge), chunked));

        using var response = await GetAsync(MirrorUrl(path));

        await AssertOciErrorAsync(response, 502, "UNAVAILABLE", "4194304");
    }

    [Test]
    public async Task Blob_OnePieceWithTheWrongBytes_502AndCachedNowhere()
    {
        var real = RandomNumberGenerator.GetBytes(1 << 20);
        var digest = DigestOf(real);
        Registry.Script($"/v2/bad/app/blobs/{digest}", ScriptedRegistry.BlobWithWrongBytes(real.Length, RandomNumberGenerator.GetBytes(real.Length)));

        using var response = await GetAsync(MirrorUrl($"/v2/bad/app/blobs/{digest}"));

        await AssertOciErrorAsync(response, 502, "UNAVAILABLE", "does not match");
        Assert.That(Holds(PeerDataDir, digest), Is.False, "the peer kept the wrong bytes");
        Assert.That(Holds(SupernodeDataDir, digest), Is.False, "the supernode kept the wrong bytes");
    }

    [Test]
    public async Task Blob_SeveralPiecesWithTheWrongBytes_BodyCutBeforeItsEndAndCachedNowhere()
    {
        var real = RandomNumberGenerator.GetBytes(9 << 20);
        var digest = DigestOf(real);
        Registry.Script($"/v2/bad/app/blobs/{digest}", ScriptedRegistry.BlobWithWrongBytes(real.Length, RandomNumberGenerator.GetBytes(real.Length)));
        var logStart = new FileInfo(Peer.Process.LogPath).Length;

        var received = await ReceiveBlobAsync($"/v2/bad/app/blobs/{digest}", real.Length);
        // The response breaks off when the peer gives up what it holds and asks the registry itself; the download
        // ends (and drops what it fetched) once that answer has turned out wrong too.
        await PeerLogOnceItContainsAsync(logStart, $"Download failed: DigestMismatch: content from http://{Registry.Host}/v2/bad/app/blobs/{digest}");

        Assert.That(received, Is.Null.Or.Not.EqualTo(real.Length), "the client got a whole body for the wrong bytes");
        Assert.That(Holds(PeerDataDir, digest), Is.False, "the peer kept the wrong bytes");
        Assert.That(Holds(SupernodeDataDir, digest), Is.False, "the supernode kept the wrong bytes");
    }

    [Test]
    public async Task Blob_HeadRefusedAndGetServesTheWrongBytes_NeverAWholeBody()
    {
        // Without a usable HEAD the mirror cannot take the blob through the engine and relays the registry's GET:
        // that relay too must not let wrong bytes through as the digest.
        var real = RandomNumberGenerator.GetBytes(1 << 20);
        var digest = DigestOf(real);
        Registry.Script($"/v2/bad/app/blobs/{digest}", ScriptedRegistry.BlobWithWrongBytes(real.Length, RandomNumberGenerator.GetBytes(real.Length), headRefused: true));

        var received = await ReceiveBlobAsync($"/v2/bad/app/blobs/{digest}", real.Length);

        Assert.That(received, Is.Null.Or.Not.EqualTo(real.Length), "the client got a whole body for the wrong bytes");
    }

    [Test]
    public async Task Blob_CutShortByTheRegistry_NeverAWholeBodyAndCachedNowhere()
    {
        var real = RandomNumberGenerator.GetBytes(6 << 20);
        var digest = DigestOf(real);
        Registry.Script($"/v2/bad/app/blobs/{digest}", ScriptedRegistry.BlobWithWrongBytes(real.Length, real[..(5 << 20)]));

        var received = await ReceiveBlobAsync($"/v2/bad/app/blobs/{digest}", real.Length);

        Assert.That(received, Is.Null.Or.Not.EqualTo(real.Length), "the client got a whole body although the registry sent 5 of 6 MiB");
        Assert.That(Holds(PeerDataDir, digest), Is.False);
        Assert.That(Holds(SupernodeDataDir, digest), Is.False);
    }

    [Test]
    public async Task Blob_RelayedAndCutShortByTheRegistry_BodyCutShort_AWarningNamesTheRegistry_NoUnhandledException()
    {
        // A refused HEAD makes the mirror relay the registry's GET itself; the registry dies 5 MiB into 6.
        var real = RandomNumberGenerator.GetBytes(6 << 20);
        var digest = DigestOf(real);
        Registry.Script($"/v2/bad/app/blobs/{digest}", ScriptedRegistry.BlobWithWrongBytes(real.Length, real[..(5 << 20)], headRefused: true));
        var logStart = new FileInfo(Peer.Process.LogPath).Length;

        var received = await ReceiveBlobAsync($"/v2/bad/app/blobs/{digest}", real.Length);

        Assert.That(received, Is.Null.Or.Not.EqualTo(real.Length), "the client got a whole body although the registry sent 5 of 6 MiB");
        var log = await PeerLogOnceItContainsAsync(logStart, $"broke off its answer for {digest}");
        Assert.That(log, Does.Contain($"Upstream {Registry.Host} broke off its answer for {digest}; the response to the client is cut short"));
        Assert.That(log, Does.Not.Contain("unhandled exception").IgnoreCase);
    }

    [Test]
    public async Task Manifest_RegistryNeverAnswers_503WithinTheUpstreamTimeout()
    {
        Registry.Script("/v2/bad/app/manifests/silent-registry", ScriptedRegistry.Silence());
        var started = TimeProvider.System.GetTimestamp();

        using var response = await GetAsync(MirrorUrl("/v2/bad/app/manifests/silent-registry"));

        await AssertOciErrorAsync(response, 503, "UNAVAILABLE", $"did not answer within {UpstreamTimeoutSeconds} s");
        // Generous: the point is that the mirror gives up by itself, not how precisely (the machine is shared).
        Assert.That(TimeProvider.System.GetElapsedTime(started), Is.LessThan(TimeSpan.FromSeconds(UpstreamTimeoutSeconds * 10)));
    }

    /// <summary>
    /// The peer daemon's log written since <paramref name="from"/>, once it contains <paramref name="text"/> (the
    /// daemon's output reaches its log file a moment after the request ends); fails after 30 s without it.
    /// </summary>
    private async Task<string> PeerLogOnceItContainsAsync(long from, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            await using (var file = new FileStream(Peer.Process.LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                file.Position = from;
                var written = await new StreamReader(file).ReadToEndAsync(Timeout);
                if (written.Contains(text, StringComparison.Ordinal))
                {
                    return written;
                }
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    Assert.Fail($"the peer's log has no '{text}' within 30 s; it logged:\n{written}");
                }
            }
            await poll.WaitForNextTickAsync(Timeout);
        }
    }

    /// <summary>
    /// Reads the mirror's answer for a blob: null for an error status, else how many body bytes arrived before the
    /// body ended or broke off (a cut-short body is what an aborted response looks like to a client).
    /// </summary>
    private async Task<long?> ReceiveBlobAsync(string path, long expectedLength)
    {
        using var response = await GetAsync(MirrorUrl(path), completion: HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            TestContext.Out.WriteLine($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Timeout)}");
            return null;
        }
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(expectedLength).Or.Null, "the declared length is the blob's");
        await using var body = await response.Content.ReadAsStreamAsync(Timeout);
        var buffer = new byte[64 * 1024];
        long received = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, Timeout)) > 0)
            {
                received += read;
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            TestContext.Out.WriteLine($"{path}: body broke off after {received} bytes: {e.Message}");
            return received == expectedLength ? -1 : received;
        }
        return received;
    }
}
