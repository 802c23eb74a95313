using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests.Registry;

/// <summary>
/// The token server against a real docker-registry 2.8 that trusts it: the registry challenges, accepts the
/// server's signed tokens for granted scopes and refuses tokens whose access claim lacks the scope.
/// </summary>
public sealed class TokenServerTests
{
    private const string PublicScope = "repository:public/app:pull";
    private const string PrivateScope = "repository:private/app:pull";

    private static readonly TokenServerOptions Options = new()
    {
        Service = "test-registry",
        Issuer = "test-issuer",
        AnonymousAccess = [TokenAccessRule.Pull("public/*")],
        Users = [new TokenUser("alice", "wonderland", [TokenAccessRule.Pull("private/app")])],
    };

    private readonly List<IAsyncDisposable> _owned = [];
    private HttpClient _http = null!;
    private string _workDir = "";

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    [SetUp]
    public void CreateWorkDir()
    {
        _workDir = Path.Combine(Path.GetTempPath(), "dragonfly-token-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_workDir);
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    [TearDown]
    public async Task StopAllAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        _owned.Clear();
        _http.Dispose();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Passed)
        {
            Directory.Delete(_workDir, recursive: true);
        }
        else
        {
            TestContext.Out.WriteLine($"logs kept in {_workDir}");
        }
    }

    [Test]
    public async Task RegistryBase_Anonymous_ChallengesWithRealmAndService()
    {
        var (tokens, registry) = await StartBothAsync();

        using var response = await _http.GetAsync(new Uri(registry, "/v2/"), Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Challenge(response), Is.EqualTo($"Bearer realm=\"{tokens.AuthConfig.Realm}\",service=\"test-registry\""));
    }

    [Test]
    public async Task Manifest_WithoutToken_ChallengeNamesPullScope()
    {
        var (_, registry) = await StartBothAsync();

        using var response = await _http.GetAsync(new Uri(registry, "/v2/public/app/manifests/x"), Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Challenge(response), Does.StartWith("Bearer ").And.Contain($"scope=\"{PublicScope}\""));
    }

    [Test]
    public async Task Manifest_AnonymousTokenForPublicRepo_AcceptedAsManifestUnknown()
    {
        var (tokens, registry) = await StartBothAsync();
        var token = await FetchTokenAsync(tokens, [PublicScope]);

        using var response = await GetManifestAsync(registry, "public/app", token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("MANIFEST_UNKNOWN"));
    }

    [Test]
    public async Task Manifest_AnonymousTokenForPrivateRepo_InsufficientScope()
    {
        var (tokens, registry) = await StartBothAsync();
        var token = await FetchTokenAsync(tokens, [PrivateScope]);

        using var response = await GetManifestAsync(registry, "private/app", token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(Challenge(response), Does.Contain("insufficient_scope").And.Contain($"scope=\"{PrivateScope}\""));
    }

    [Test]
    public async Task Manifest_UserTokenForPrivateRepo_AcceptedAsManifestUnknown()
    {
        var (tokens, registry) = await StartBothAsync();
        var token = await FetchTokenAsync(tokens, [PrivateScope], ("alice", "wonderland"));

        using var response = await GetManifestAsync(registry, "private/app", token);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), await response.Content.ReadAsStringAsync());
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("MANIFEST_UNKNOWN"));
    }

    [Test]
    public async Task Token_DeniedScopes_OmittedFromAccessClaim()
    {
        var tokens = await StartTokenServerAsync(Options);

        var token = await FetchTokenAsync(tokens, [PublicScope.Replace(":pull", ":pull,push", StringComparison.Ordinal), PrivateScope, "registry:catalog:*"]);

        using var claims = DecodePart(token, 1);
        var access = claims.RootElement.GetProperty("access");
        Assert.That(access.GetArrayLength(), Is.EqualTo(1));
        Assert.That(access[0].GetProperty("type").GetString(), Is.EqualTo("repository"));
        Assert.That(access[0].GetProperty("name").GetString(), Is.EqualTo("public/app"));
        Assert.That(access[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[] { "pull" }));
        Assert.That(claims.RootElement.GetProperty("aud").GetString(), Is.EqualTo("test-registry"));
        Assert.That(claims.RootElement.GetProperty("iss").GetString(), Is.EqualTo("test-issuer"));
        Assert.That(claims.RootElement.GetProperty("sub").GetString(), Is.Empty);
    }

    [Test]
    public async Task Token_HeaderCarriesLeafIssuedByBundleRoot()
    {
        var tokens = await StartTokenServerAsync(Options);

        var token = await FetchTokenAsync(tokens, [PublicScope]);

        using var header = DecodePart(token, 0);
        Assert.That(header.RootElement.GetProperty("alg").GetString(), Is.EqualTo("RS256"));
        Assert.That(header.RootElement.GetProperty("typ").GetString(), Is.EqualTo("JWT"));
        using var leaf = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(header.RootElement.GetProperty("x5c")[0].GetString()!));
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(tokens.AuthConfig.RootCertBundlePath));
        Assert.That(leaf.Issuer, Is.EqualTo(root.Subject));
        Assert.That(leaf.Thumbprint, Is.Not.EqualTo(root.Thumbprint));
    }

    [Test]
    public async Task Token_WrongPassword_Unauthorized()
    {
        var tokens = await StartTokenServerAsync(Options);

        using var response = await RequestTokenAsync(tokens, [PrivateScope], ("alice", "guess"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(tokens.TotalRequests, Is.EqualTo(1));
        Assert.That(tokens.RequestsFor(PrivateScope, "alice"), Is.Zero);
    }

    [Test]
    public async Task Counters_CountPerScopeAndCaller()
    {
        var tokens = await StartTokenServerAsync(Options);

        await FetchTokenAsync(tokens, [PublicScope]);
        await FetchTokenAsync(tokens, [PublicScope, PrivateScope]);
        await FetchTokenAsync(tokens, [PrivateScope], ("alice", "wonderland"));

        Assert.That(tokens.TotalRequests, Is.EqualTo(3));
        Assert.That(tokens.RequestsFor(PublicScope), Is.EqualTo(2));
        Assert.That(tokens.RequestsFor(PrivateScope), Is.EqualTo(1));
        Assert.That(tokens.RequestsFor(PrivateScope, "alice"), Is.EqualTo(1));
        Assert.That(tokens.RequestsFor(PublicScope, "alice"), Is.Zero);
    }

    [Test]
    public async Task ResponseDelay_HoldsEachResponse()
    {
        var tokens = await StartTokenServerAsync(Options);
        tokens.ResponseDelay = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(FetchTokenAsync(tokens, [PublicScope]), FetchTokenAsync(tokens, [PublicScope]));

        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300)));
        Assert.That(tokens.RequestsFor(PublicScope), Is.EqualTo(2));
    }

    private async Task<TokenServer> StartTokenServerAsync(TokenServerOptions options)
    {
        var server = await TokenServer.StartAsync(Path.Combine(_workDir, "token"), options, Timeout);
        _owned.Add(server);
        return server;
    }

    private async Task<(TokenServer Tokens, Uri Registry)> StartBothAsync()
    {
        var tokens = await StartTokenServerAsync(Options);
        var registry = await DockerRegistry.StartAsync(new DockerRegistryOptions { WorkDir = Path.Combine(_workDir, "registry"), Token = tokens.AuthConfig }, Timeout);
        _owned.Add(registry);
        return (tokens, registry.BaseAddress);
    }

    private async Task<HttpResponseMessage> RequestTokenAsync(TokenServer tokens, IReadOnlyList<string> scopes, (string User, string Password)? credentials = null)
    {
        var query = "?service=" + Uri.EscapeDataString(tokens.AuthConfig.Service) + string.Concat(scopes.Select(s => "&scope=" + Uri.EscapeDataString(s)));
        using var request = new HttpRequestMessage(HttpMethod.Get, tokens.AuthConfig.Realm + query);
        if (credentials is var (user, password))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
        return await _http.SendAsync(request, Timeout);
    }

    private async Task<string> FetchTokenAsync(TokenServer tokens, IReadOnlyList<string> scopes, (string User, string Password)? credentials = null)
    {
        using var response = await RequestTokenAsync(tokens, scopes, credentials);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        using var json = JsonDocument.Parse(body);
        var token = json.RootElement.GetProperty("token").GetString()!;
        Assert.That(json.RootElement.GetProperty("access_token").GetString(), Is.EqualTo(token));
        Assert.That(json.RootElement.GetProperty("expires_in").GetInt32(), Is.EqualTo(300));
        Assert.That(json.RootElement.GetProperty("issued_at").GetString(), Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
        return token;
    }

    private async Task<HttpResponseMessage> GetManifestAsync(Uri registry, string repository, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(registry, $"/v2/{repository}/manifests/x"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _http.SendAsync(request, Timeout);
    }

    private static string Challenge(HttpResponseMessage response) =>
        response.Headers.TryGetValues("WWW-Authenticate", out var values) ? string.Join(", ", values) : "";

    private static JsonDocument DecodePart(string jwt, int index) => JsonDocument.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[index]));
}
