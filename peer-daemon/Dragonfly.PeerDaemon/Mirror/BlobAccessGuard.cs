using System.Collections.Concurrent;
using System.Net;
using Dragonfly.Oci;
using Microsoft.AspNetCore.Http;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>
/// The private-layer guard: before a blob is served from the cache or the swarm, the upstream registry is asked
/// (a HEAD with this client's credentials) whether this client may read it. A yes is reused briefly per
/// registry, repository, digest and credentials; anything else is the registry's answer to relay.
/// </summary>
public sealed class BlobAccessGuard(UpstreamClient upstream, MirrorOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, BlobAccess> _allowed = new(StringComparer.Ordinal);

    /// <returns>The blob's facts when the client may read it, or null: relay the registry's own answer instead.</returns>
    public async Task<BlobAccess?> CheckAsync(RegistryUpstream registry, OciPath path, IHeaderDictionary clientHeaders, CancellationToken cancellationToken)
    {
        var key = string.Join('|', registry.BaseAddress, path.Name, path.Reference, BearerTokenSource.Fingerprint(clientHeaders.Authorization.ToString()));
        var now = time.GetUtcNow();
        if (_allowed.TryGetValue(key, out var cached))
        {
            if (cached.CheckedAt + TimeSpan.FromSeconds(options.AccessCheckSeconds) > now)
            {
                return cached;
            }
            _allowed.TryRemove(KeyValuePair.Create(key, cached));
        }
        using var response = await upstream.SendAsync(registry, HttpMethod.Head, path, clientHeaders, cancellationToken);
        var message = response.Message;
        if (message.StatusCode != HttpStatusCode.OK || message.Content.Headers.ContentLength is not { } length || length < 0)
        {
            return null;
        }
        var access = new BlobAccess(length, message.Content.Headers.ContentType?.ToString() ?? "application/octet-stream", response.Authorization, now);
        if (options.AccessCheckSeconds > 0)
        {
            if (_allowed.Count > 100_000)
            {
                _allowed.Clear();
            }
            _allowed[key] = access;
        }
        return access;
    }
}
