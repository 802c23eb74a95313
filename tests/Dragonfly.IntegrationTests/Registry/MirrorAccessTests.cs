using System.Net;
using System.Text.Json;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>Credentials reach the registry, refusals come back unchanged, and a blob never reaches a client the registry would refuse.</summary>
[TestFixture]
public sealed class MirrorAccessTests : MirrorFixture
{
    private static readonly HtpasswdCredentials Alice = new("alice", "wonderland-7");

    [Test]
    public async Task HtpasswdRegistry_CachedBlob_NeverServedToClientWithoutValidCredentials()
    {
        var registry = await StartRegistryAsync("private", basic: Alice);
        var image = await PushImageAsync(registry, "team/secret", [5 << 20, 1 << 20], creds: Alice);
        var cluster = await StartClusterAsync(2, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);
        var layer = image.Layers[0];
        string BlobUrl(int peer) => $"http://{cluster.Peers[peer].MirrorAddress}/v2/team/secret/blobs/{layer.Digest}?ns={registry.Host}";

        using var allowed = await GetAsync(BlobUrl(0), Basic(Alice));
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await allowed.Content.ReadAsByteArrayAsync(), Is.EqualTo(BlobBytes(image, layer.Digest)));

        foreach (var peer in new[] { 0, 1 })
        {
            using var anonymous = await GetAsync(BlobUrl(peer));
            using var wrong = await GetAsync(BlobUrl(peer), Basic(new HtpasswdCredentials("alice", "guess")));
            foreach (var refused in new[] { anonymous, wrong })
            {
                var body = await refused.Content.ReadAsByteArrayAsync();
                Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), $"peer {peer}");
                Assert.That(refused.Headers.WwwAuthenticate.ToString(), Does.StartWith("Basic realm="), "the registry's challenge, unchanged");
                Assert.That(body.Length, Is.LessThan(4096), "an error body, not the blob");
            }
        }
        Assert.That(registry.BlobGets(layer.Digest), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task HtpasswdRegistry_CtrPull_WorksWithCredentialsAndFailsWithout()
    {
        var registry = await StartRegistryAsync("private", basic: Alice);
        var image = await PushImageAsync(registry, "team/secret", [2 << 20], creds: Alice);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);
        var containerd = Own(await Containerd.StartAsync(Path.Combine(WorkDir, "ctr"), TestTimeout.Token));
        var hostsDir = Path.Combine(WorkDir, "certs");
        // The mirror only: a refused pull must not quietly succeed at the registry.
        Containerd.WriteHostsToml(hostsDir, registry.Host, "http://127.0.0.1:1", ["http://" + cluster.Peers[0].MirrorAddress]);

        var anonymous = await containerd.PullAsync(registry.Reference("team/secret:v1"), hostsDir, cancellationToken: TestTimeout.Token);
        var withCredentials = await containerd.PullAsync(registry.Reference("team/secret:v1"), hostsDir, user: Alice.UserAndPassword, cancellationToken: TestTimeout.Token);

        Assert.That(anonymous.ExitCode, Is.Not.Zero, "pull without credentials");
        Assert.That(anonymous.StdErr, Does.Contain("401").Or.Contain("nauthorized"));
        withCredentials.ThrowIfFailed("pull with credentials");
        Assert.That(await containerd.ContentDigestsAsync(TestTimeout.Token), Is.SupersetOf(image.Layers.Select(l => l.Digest)));
    }

    [Test]
    public async Task TokenRegistry_ConcurrentAnonymousPulls_OneTokenRequestPerScope()
    {
        await using var tokens = await TokenServer.StartAsync(Path.Combine(WorkDir, "tokens"), new TokenServerOptions
        {
            AnonymousAccess = [TokenAccessRule.Pull("public/*")],
            Users = [new TokenUser(Alice.User, Alice.Password, [new TokenAccessRule("*", ["pull", "push"])])],
        }, TestTimeout.Token);
        var registry = await StartRegistryAsync("tokened", token: tokens.AuthConfig);
        var image = await PushImageAsync(registry, "public/app", [1 << 20, 2 << 20, 3 << 20, 4 << 20], creds: Alice);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);
        var before = tokens.RequestsFor("repository:public/app:pull");
        tokens.ResponseDelay = TimeSpan.FromMilliseconds(300);
        var mirror = cluster.Peers[0].MirrorAddress;

        var responses = await Task.WhenAll(image.AllBlobs.Where(b => b.MediaType != image.MediaType)
            .Select(async blob =>
            {
                using var response = await GetAsync($"http://{mirror}/v2/public/app/blobs/{blob.Digest}?ns={registry.Host}");
                return (blob, response.StatusCode, Bytes: await response.Content.ReadAsByteArrayAsync());
            }));

        Assert.Multiple(() =>
        {
            foreach (var (blob, status, bytes) in responses)
            {
                Assert.That(status, Is.EqualTo(HttpStatusCode.OK), blob.Digest);
                Assert.That(bytes, Is.EqualTo(BlobBytes(image, blob.Digest)), blob.Digest);
            }
            Assert.That(tokens.RequestsFor("repository:public/app:pull") - before, Is.EqualTo(1), "token requests the mirror made for the scope");
        });
    }

    [Test]
    public async Task TokenRegistry_PrivateRepositoryWithoutCredentials_ClientGetsRegistryChallenge()
    {
        await using var tokens = await TokenServer.StartAsync(Path.Combine(WorkDir, "tokens"), new TokenServerOptions
        {
            AnonymousAccess = [TokenAccessRule.Pull("public/*")],
            Users = [new TokenUser(Alice.User, Alice.Password, [new TokenAccessRule("*", ["pull", "push"])])],
        }, TestTimeout.Token);
        var registry = await StartRegistryAsync("tokened", token: tokens.AuthConfig);
        var image = await PushImageAsync(registry, "private/app", [1 << 20], creds: Alice);
        var cluster = await StartClusterAsync(1, peerArgs: ["--mirror:registries:0", "http://" + registry.Host]);

        using var response = await GetAsync($"http://{cluster.Peers[0].MirrorAddress}/v2/private/app/blobs/{image.Layers[0].Digest}?ns={registry.Host}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Does.Contain(tokens.AuthConfig.Realm).And.Contain("repository:private/app:pull"));
        Assert.That(registry.BlobGets(image.Layers[0].Digest), Is.Empty);
    }
}
