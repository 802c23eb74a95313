using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// A Docker Registry v2 bearer token server for tests, trusted by a real docker-registry through
/// <see cref="AuthConfig"/>. Serves <c>GET /token?service=..&amp;scope=..</c> over plain HTTP on 127.0.0.1, with
/// optional HTTP Basic credentials. Scopes the caller may not have are left out of the granted <c>access</c>
/// claim, as real token servers do; only a wrong password is refused (401).
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    private const string AnonymousKey = "";

    private readonly WebApplication _app;
    private readonly TokenServerOptions _options;
    private readonly TokenSigner _signer;
    private readonly ConcurrentDictionary<(string Scope, string User), int> _grants = new();
    private int _totalRequests;

    private TokenServer(WebApplication app, TokenServerOptions options, TokenSigner signer)
    {
        _app = app;
        _options = options;
        _signer = signer;
        ResponseDelay = options.ResponseDelay;
    }

    /// <summary>What docker-registry's <c>auth.token</c> section needs to trust this server.</summary>
    public TokenAuthConfig AuthConfig { get; private set; } = null!;

    /// <summary>Requests received on <c>/token</c>, refused ones included.</summary>
    public int TotalRequests => Volatile.Read(ref _totalRequests);

    /// <summary>Latency added to every token request; starts as <see cref="TokenServerOptions.ResponseDelay"/>.</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>
    /// Token requests that asked for <paramref name="scope"/> (exactly as sent, e.g. <c>repository:a/b:pull</c>)
    /// and were answered with a token, by <paramref name="user"/> or, when null, anonymously.
    /// Requests without a scope count under the empty scope.
    /// </summary>
    public int RequestsFor(string scope, string? user = null) => _grants.GetValueOrDefault((scope, user ?? AnonymousKey));

    public static async Task<TokenServer> StartAsync(string workDir, TokenServerOptions options, CancellationToken ct)
    {
        options.Validate();
        Directory.CreateDirectory(workDir);
        var signer = TokenSigner.Create(options.Issuer, options.TimeProvider.GetUtcNow());
        var bundlePath = Path.Combine(Path.GetFullPath(workDir), "token-server-root.pem");
        await File.WriteAllTextAsync(bundlePath, signer.RootCertificatePem, ct);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new TokenServer(app, options, signer);
        app.MapGet("/token", server.IssueAsync);
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        var bound = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.AuthConfig = new TokenAuthConfig($"http://127.0.0.1:{bound.Port}/token", options.Service, options.Issuer, bundlePath);
        return server;
    }

    private async Task IssueAsync(HttpContext context)
    {
        Interlocked.Increment(ref _totalRequests);
        var delay = ResponseDelay;
        // Held for at least the delay: a timer may fire a few milliseconds early (a 300 ms delay measured 298 ms).
        var held = _options.TimeProvider.GetTimestamp();
        for (var left = delay; left > TimeSpan.Zero; left = delay - _options.TimeProvider.GetElapsedTime(held))
        {
            await Task.Delay(left + TimeSpan.FromMilliseconds(1), _options.TimeProvider, context.RequestAborted);
        }
        var query = context.Request.Query;
        if (query["service"] is { Count: > 0 } service && service.ToString() != _options.Service)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", $"unknown service '{service}'");
            return;
        }
        if (!TryAuthenticate(context.Request.Headers.Authorization.ToString(), out var user))
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{_options.Issuer}\"";
            await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "wrong user name or password");
            return;
        }
        var requested = query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var granted = new List<TokenScope>();
        foreach (var text in requested)
        {
            if (!TokenScope.TryParse(text, out var scope))
            {
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", $"malformed scope '{text}'");
                return;
            }
            if (Grant(scope, user) is { } allowed)
            {
                granted.Add(allowed);
            }
        }
        foreach (var scope in requested.DefaultIfEmpty(""))
        {
            _grants.AddOrUpdate((scope, user?.Name ?? AnonymousKey), 1, (_, n) => n + 1);
        }
        await WriteTokenAsync(context, user?.Name ?? "", granted);
    }

    /// <summary>No Authorization header means anonymous (true, null user); Basic credentials must match a user.</summary>
    private bool TryAuthenticate(string authorization, out TokenUser? user)
    {
        user = null;
        if (authorization.Length == 0)
        {
            return true;
        }
        const string basic = "Basic ";
        if (!authorization.StartsWith(basic, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[basic.Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }
        var (name, password) = (decoded[..colon], decoded[(colon + 1)..]);
        user = _options.Users.FirstOrDefault(u => u.Name == name && u.Password == password);
        return user is not null;
    }

    /// <summary>The requested actions this caller may have on a repository, or null when none.</summary>
    private TokenScope? Grant(TokenScope requested, TokenUser? user)
    {
        if (requested.Type != "repository")
        {
            return null;
        }
        var rules = user is null ? _options.AnonymousAccess : _options.AnonymousAccess.Concat(user.Access);
        var allowed = rules.Where(r => r.Matches(requested.Name)).SelectMany(r => r.Actions).ToHashSet(StringComparer.Ordinal);
        var actions = requested.Actions.Where(a => allowed.Contains(a) || allowed.Contains("*")).Distinct(StringComparer.Ordinal).ToList();
        return actions.Count == 0 ? null : requested with { Actions = actions };
    }

    private async Task WriteTokenAsync(HttpContext context, string subject, IReadOnlyList<TokenScope> access)
    {
        var now = _options.TimeProvider.GetUtcNow();
        var issuedAt = now.ToUnixTimeSeconds();
        var lifetime = (long)_options.TokenLifetime.TotalSeconds;
        var claims = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(claims))
        {
            json.WriteStartObject();
            json.WriteString("iss", _options.Issuer);
            json.WriteString("sub", subject);
            json.WriteString("aud", _options.Service);
            json.WriteNumber("exp", issuedAt + lifetime);
            json.WriteNumber("nbf", issuedAt);
            json.WriteNumber("iat", issuedAt);
            json.WriteString("jti", Guid.NewGuid().ToString("N"));
            json.WriteStartArray("access");
            foreach (var scope in access)
            {
                json.WriteStartObject();
                json.WriteString("type", scope.Type);
                json.WriteString("name", scope.Name);
                json.WriteStartArray("actions");
                foreach (var action in scope.Actions)
                {
                    json.WriteStringValue(action);
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        var token = _signer.Sign(claims.WrittenSpan);

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var body = new Utf8JsonWriter(context.Response.Body);
        body.WriteStartObject();
        body.WriteString("token", token);
        body.WriteString("access_token", token);
        body.WriteNumber("expires_in", lifetime);
        body.WriteString("issued_at", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        body.WriteEndObject();
        await body.FlushAsync(context.RequestAborted);
    }

    /// <summary>Errors in the shape the token spec's clients expect: <c>{"errors":[{"code":..,"message":..}]}</c>.</summary>
    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var body = new Utf8JsonWriter(context.Response.Body);
        body.WriteStartObject();
        body.WriteStartArray("errors");
        body.WriteStartObject();
        body.WriteString("code", code);
        body.WriteString("message", message);
        body.WriteEndObject();
        body.WriteEndArray();
        body.WriteEndObject();
        await body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _signer.Dispose();
    }
}
