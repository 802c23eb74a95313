using System.Net.Http.Headers;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>A real docker-registry, an image pushed to it with skopeo, and helpers to talk to a peer's mirror.</summary>
public abstract class MirrorFixture : ClusterFixture
{
    protected static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    protected async Task<DockerRegistry> StartRegistryAsync(string name, HtpasswdCredentials? basic = null, TokenAuthConfig? token = null) =>
        Own(await DockerRegistry.StartAsync(new DockerRegistryOptions { WorkDir = Path.Combine(WorkDir, name), Basic = basic, Token = token }, TestTimeout.Token));

    /// <summary>Builds an image (or a two-platform index) and pushes it to <paramref name="registry"/> as <paramref name="repository"/>:v1.</summary>
    protected async Task<OciImage> PushImageAsync(DockerRegistry registry, string repository, IReadOnlyList<long> layers, bool twoPlatforms = false, HtpasswdCredentials? creds = null, int seed = 1)
    {
        var layout = Path.Combine(WorkDir, "layout-" + repository.Replace('/', '-'));
        var image = twoPlatforms
            ? await OciImageBuilder.CreateIndexAsync(layout, "v1", [("linux", "amd64", layers), ("linux", "arm64", layers.Select(l => l / 2 + 1000).ToArray())], seed, TestTimeout.Token)
            : await OciImageBuilder.CreateAsync(layout, "v1", layers, seed, cancellationToken: TestTimeout.Token);
        await Skopeo.PushAsync(layout, "v1", registry.Reference(repository + ":v1"), creds, TestTimeout.Token);
        return image;
    }

    protected static async Task<HttpResponseMessage> GetAsync(string url, AuthenticationHeaderValue? auth = null, string? range = null, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        request.Headers.Authorization = auth;
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }
        return await Http.SendAsync(request, TestTimeout.Token);
    }

    protected static AuthenticationHeaderValue Basic(HtpasswdCredentials creds) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(creds.User + ":" + creds.Password)));

    protected static byte[] BlobBytes(OciImage image, string digest) =>
        File.ReadAllBytes(Path.Combine(image.LayoutDir, "blobs", "sha256", digest["sha256:".Length..]));
}
