using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace Dragonfly.Oci;

/// <summary>
/// Gets bearer tokens from registry token servers. Concurrent requests for the same realm, service, scope and
/// credentials share one request to the token server, and the token is reused until shortly before it expires.
/// A refused request (401/403) gives null and is not cached.
/// </summary>
public sealed class BearerTokenSource(HttpClient http, TimeProvider time)
{
    /// <summary>The spec's default lifetime when the token server does not say.</summary>
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private int _requests;

    /// <summary>Requests actually sent to token servers (coalesced and cached ones not counted).</summary>
    public int RequestsSent => Volatile.Read(ref _requests);

    /// <param name="challenge">A Bearer challenge with a realm.</param>
    /// <param name="basicAuthorization">An <c>Authorization: Basic ...</c> value to present, or null for an anonymous token.</param>
    /// <returns>The token, or null when the token server refused.</returns>
    public async Task<string?> GetTokenAsync(AuthChallenge challenge, string? basicAuthorization, CancellationToken cancellationToken)
    {
        if (!challenge.IsBearer || challenge.Realm is null || !Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm)
            || realm.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("not a Bearer challenge with an http(s) realm", nameof(challenge));
        }
        var key = string.Join('\n', challenge.Realm, challenge.Service, challenge.Scope, Fingerprint(basicAuthorization));
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                if (!existing.Task.IsCompleted)
                {
                    return (await existing.Task.WaitAsync(cancellationToken))?.Value;
                }
                if (existing.Task.IsCompletedSuccessfully && existing.Task.Result is { } cached && cached.ExpiresAt > time.GetUtcNow())
                {
                    return cached.Value;
                }
                _entries.TryRemove(KeyValuePair.Create(key, existing));
                continue;
            }
            var pending = new TaskCompletionSource<Token?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = new Entry(pending.Task);
            if (!_entries.TryAdd(key, entry))
            {
                continue;
            }
            try
            {
                var token = await RequestAsync(realm, challenge, basicAuthorization);
                pending.SetResult(token);
                if (token is null)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, entry));
                }
                return token?.Value;
            }
            catch (Exception e)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
                pending.SetException(e);
                throw;
            }
        }
    }

    private async Task<Token?> RequestAsync(Uri realm, AuthChallenge challenge, string? basicAuthorization)
    {
        var query = new StringBuilder(realm.Query.Length > 1 ? realm.Query[1..] + "&" : "");
        if (challenge.Service is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service)).Append('&');
        }
        if (challenge.Scope is { } scope)
        {
            foreach (var one in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                query.Append("scope=").Append(Uri.EscapeDataString(one)).Append('&');
            }
        }
        var uri = new UriBuilder(realm) { Query = query.ToString().TrimEnd('&') }.Uri;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (basicAuthorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", basicAuthorization);
        }
        Interlocked.Increment(ref _requests);
        using var timeout = new CancellationTokenSource(RequestTimeout, time);
        using var response = await http.SendAsync(request, timeout.Token);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return null;
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"token server {realm.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        }
        var body = await response.Content.ReadFromJsonAsync(OciJsonContext.Default.TokenResponse, timeout.Token)
            ?? throw new HttpRequestException($"token server {realm.GetLeftPart(UriPartial.Path)} sent an empty answer");
        var value = !string.IsNullOrEmpty(body.Token) ? body.Token : body.AccessToken;
        if (string.IsNullOrEmpty(value))
        {
            throw new HttpRequestException($"token server {realm.GetLeftPart(UriPartial.Path)} sent no token");
        }
        var lifetime = body.ExpiresIn is > 0 ? TimeSpan.FromSeconds(body.ExpiresIn.Value) : DefaultLifetime;
        return new Token(value, time.GetUtcNow() + lifetime - (lifetime > RenewBefore * 2 ? RenewBefore : TimeSpan.Zero));
    }

    /// <summary>A cache key for credentials that does not keep them in memory in the clear; "-" for none.</summary>
    public static string Fingerprint(string? authorization) =>
        string.IsNullOrEmpty(authorization) ? "-" : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(authorization)));

    private sealed record Token(string Value, DateTimeOffset ExpiresAt);

    private sealed record Entry(Task<Token?> Task);
}
