using System.Net;
using System.Text.Json;
using Dragonfly.Core;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// A peer whose mirror forwards to a <see cref="ScriptedRegistry"/> (a short upstream timeout, so a silent registry
/// is given up on quickly), and helpers to ask the mirror and check its OCI errors. After every case the mirror
/// must still answer the version check.
/// </summary>
public abstract class ScriptedMirrorFixture : SharedClusterFixture
{
    protected const int UpstreamTimeoutSeconds = 3;

    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMinutes(2) };

    private protected ScriptedRegistry Registry { get; private set; } = null!;

    protected string MirrorAddress => Peer.MirrorAddress;

    protected override async Task<IReadOnlyList<string>> StartDependenciesAsync()
    {
        Registry = await ScriptedRegistry.StartAsync(Timeout);
        return ["--mirror:registries:0", "http://" + Registry.Host, "--mirror:upstreamTimeoutSeconds", UpstreamTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];
    }

    protected override async ValueTask StopDependenciesAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }
    }

    protected string MirrorUrl(string path) => $"http://{MirrorAddress}{path}?ns={Registry.Host}";

    protected static string DigestOf(byte[] bytes) => Digest.Compute(bytes).ToString();

    protected static async Task<HttpResponseMessage> GetAsync(string url, string? range = null, HttpMethod? method = null, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (range is not null)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }
        return await Http.SendAsync(request, completion, Timeout);
    }

    protected static async Task AssertOciErrorAsync(HttpResponseMessage response, int status, string code, string? messagePart = null)
    {
        var body = await response.Content.ReadAsStringAsync(Timeout);
        Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("errors")[0];
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code), body);
        Assert.That(error.GetProperty("message").GetString(), messagePart is null ? Is.Not.Empty : Does.Contain(messagePart), body);
    }

    /// <summary>True when a data directory holds anything for <paramref name="digest"/> (its task folder).</summary>
    protected static bool Holds(string dataDir, string digest)
    {
        var hex = digest["sha256:".Length..];
        return Directory.Exists(Path.Combine(dataDir, hex[..2], hex));
    }

    [TearDown]
    public async Task MirrorStillAnswersAsync()
    {
        using var response = await GetAsync(MirrorUrl("/v2/"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the mirror no longer answers the version check");
    }
}
