using System.Collections.Concurrent;
using System.Net;
using Dragonfly.Oci;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>
/// Sends a client's request on to an upstream registry with the headers that matter (every Accept value,
/// Authorization, conditional headers, User-Agent). A client without credentials gets the anonymous token the
/// registry's token server hands out (coalesced and cached per scope); when even that is refused, the
/// registry's own 401 and challenge go back unchanged.
/// </summary>
public sealed partial class UpstreamClient(HttpClient http, BearerTokenSource tokens, MirrorOptions options, TimeProvider time, ILogger<UpstreamClient> logger)
{
    private static readonly string[] Forwarded = ["Accept", "Authorization", "User-Agent", "If-None-Match", "If-Modified-Since"];

    /// <summary>The last Bearer challenge seen per registry and repository, so later anonymous requests start with a token.</summary>
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.Ordinal);

    /// <summary>
    /// Sends the request. The caller owns the response. Throws <see cref="UpstreamUnavailableException"/> when the
    /// registry cannot be reached or does not answer in time.
    /// </summary>
    public async Task<UpstreamResponse> SendAsync(RegistryUpstream upstream, HttpMethod method, OciPath path, IHeaderDictionary clientHeaders, CancellationToken cancellationToken) =>
        await SendAsync(upstream, method, path, "", clientHeaders, cancellationToken);

    /// <param name="query">Query string to pass on (<c>?n=10</c>), or empty.</param>
    public async Task<UpstreamResponse> SendAsync(RegistryUpstream upstream, HttpMethod method, OciPath path, string query, IHeaderDictionary clientHeaders, CancellationToken cancellationToken)
    {
        var clientAuthorization = clientHeaders.Authorization.ToString();
        if (clientAuthorization.Length > 0)
        {
            return new UpstreamResponse(await SendOnceAsync(upstream, method, path, query, clientHeaders, clientAuthorization, cancellationToken), clientAuthorization);
        }
        var challengeKey = upstream.BaseAddress + "|" + path.Name;
        if (_challenges.TryGetValue(challengeKey, out var known) && await AnonymousTokenAsync(known, cancellationToken) is { } early)
        {
            var withToken = await SendOnceAsync(upstream, method, path, query, clientHeaders, early, cancellationToken);
            if (withToken.StatusCode != HttpStatusCode.Unauthorized)
            {
                return new UpstreamResponse(withToken, early);
            }
            withToken.Dispose();
        }
        var response = await SendOnceAsync(upstream, method, path, query, clientHeaders, null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized
            || !AuthChallenge.TryParse(response.Headers.WwwAuthenticate.ToString(), out var challenge) || !challenge.IsBearer || challenge.Realm is null)
        {
            return new UpstreamResponse(response, null);
        }
        _challenges[challengeKey] = challenge;
        if (await AnonymousTokenAsync(challenge, cancellationToken) is not { } authorization)
        {
            return new UpstreamResponse(response, null);
        }
        var retried = await SendOnceAsync(upstream, method, path, query, clientHeaders, authorization, cancellationToken);
        if (retried.StatusCode == HttpStatusCode.Unauthorized)
        {
            // Anonymous access is not enough: the client must authenticate, so it gets the registry's challenge.
            retried.Dispose();
            return new UpstreamResponse(response, null);
        }
        response.Dispose();
        return new UpstreamResponse(retried, authorization);
    }

    private async Task<string?> AnonymousTokenAsync(AuthChallenge challenge, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetTokenAsync(challenge, null, cancellationToken) is { } token ? "Bearer " + token : null;
        }
        catch (HttpRequestException e)
        {
            LogTokenFailed(challenge.Realm, e.Message);
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(RegistryUpstream upstream, HttpMethod method, OciPath path, string query, IHeaderDictionary clientHeaders, string? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, upstream.UriFor(path.ToUpstreamPath() + query));
        foreach (var name in Forwarded)
        {
            if (name == "Authorization")
            {
                continue;
            }
            if (clientHeaders.TryGetValue(name, out var values) && values.Count > 0)
            {
                request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.UpstreamTimeoutSeconds), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
        }
        catch (HttpRequestException e)
        {
            throw new UpstreamUnavailableException($"registry {upstream.BaseAddress.Authority} could not be reached: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnavailableException($"registry {upstream.BaseAddress.Authority} did not answer within {options.UpstreamTimeoutSeconds} s", e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token server {Realm} failed: {Reason}")]
    private partial void LogTokenFailed(string? realm, string reason);
}
