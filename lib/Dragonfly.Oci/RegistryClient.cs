using System.Net;
using System.Net.Http.Headers;
using Dragonfly.Core;

namespace Dragonfly.Oci;

/// <summary>
/// Reads manifests from a registry the way a puller does: asks with every manifest media type, answers a 401's
/// challenge (Basic with the given credentials, or a Bearer token got with them, coalesced by
/// <see cref="BearerTokenSource"/>), and checks the content against the digest. Failures come back as
/// <see cref="RegistryException"/> with a kind the caller can act on.
/// </summary>
public sealed class RegistryClient(HttpClient http, BearerTokenSource tokens)
{
    /// <param name="registryBase">e.g. <c>https://registry.example.com</c>.</param>
    /// <param name="basicAuthorization">An <c>Authorization: Basic ...</c> value, or null for anonymous access.</param>
    public async Task<FetchedManifest> GetManifestAsync(Uri registryBase, string repository, string reference, string? basicAuthorization, CancellationToken cancellationToken)
    {
        var url = new Uri(registryBase, $"/v2/{repository}/manifests/{reference}");
        var (response, authorization) = await SendAsync(url, null, cancellationToken);
        try
        {
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                authorization = await AnswerChallengeAsync(response, url, basicAuthorization, cancellationToken);
                response.Dispose();
                (response, _) = await SendAsync(url, authorization, cancellationToken);
            }
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new RegistryException(RegistryErrorKind.Unauthorized,
                    $"{url} refused {(basicAuthorization is null ? "anonymous access" : "the credentials")} ({status}); check the pull secret");
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new RegistryException(RegistryErrorKind.NotFound, $"{registryBase.Authority}/{repository}:{reference} does not exist (404 from {url})");
            }
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new RegistryException(RegistryErrorKind.Unreachable, $"{url} answered {status} {response.ReasonPhrase}");
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new RegistryException(RegistryErrorKind.Invalid, $"{url} answered {status} {response.ReasonPhrase}");
            }
            // Bounded even when the registry sends no length: a broken or hostile registry cannot exhaust our memory.
            var content = await ManifestBody.ReadAsync(response.Content, cancellationToken)
                ?? throw new RegistryException(RegistryErrorKind.Invalid, $"{url} sent a manifest larger than {ManifestBody.MaxBytes} bytes, the most accepted");
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
            var labelled = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
            var asked = Digest.TryParse(reference, out var expected, out _) ? expected : null;
            if (ManifestBody.Verify(content, asked, labelled, out var digest) is { } problem)
            {
                throw new RegistryException(RegistryErrorKind.Invalid, $"{url}: {problem}");
            }
            return new FetchedManifest(mediaType, digest, content, authorization);
        }
        finally
        {
            response.Dispose();
        }
    }

    private async Task<(HttpResponseMessage Response, string? Authorization)> SendAsync(Uri url, string? authorization, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var type in ManifestMediaTypes.All)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        try
        {
            return (await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken), authorization);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException(RegistryErrorKind.Unreachable, $"cannot reach {url.GetLeftPart(UriPartial.Authority)}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException(RegistryErrorKind.Unreachable, $"{url.GetLeftPart(UriPartial.Authority)} did not answer in time", e);
        }
    }

    private async Task<string?> AnswerChallengeAsync(HttpResponseMessage response, Uri url, string? basicAuthorization, CancellationToken cancellationToken)
    {
        var header = response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString();
        if (!AuthChallenge.TryParse(header, out var challenge))
        {
            throw new RegistryException(RegistryErrorKind.Unauthorized, $"{url} answered 401 without a usable WWW-Authenticate challenge");
        }
        if (!challenge.IsBearer)
        {
            return basicAuthorization
                ?? throw new RegistryException(RegistryErrorKind.Unauthorized, $"{url} requires credentials ({challenge.Scheme}); give a pull secret");
        }
        string? token;
        try
        {
            token = await tokens.GetTokenAsync(challenge, basicAuthorization, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new RegistryException(RegistryErrorKind.Unreachable, $"cannot reach the token server {challenge.Realm}: {e.Message}", e);
        }
        return token is null
            ? throw new RegistryException(RegistryErrorKind.Unauthorized,
                $"the token server {challenge.Realm} refused {(basicAuthorization is null ? "anonymous access" : "the credentials")} for {challenge.Scope}; check the pull secret")
            : "Bearer " + token;
    }
}
