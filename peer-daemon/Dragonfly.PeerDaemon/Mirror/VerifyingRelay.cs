using System.Buffers;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Oci;
using Microsoft.AspNetCore.Http;

namespace Dragonfly.PeerDaemon.Mirror;

/// <summary>
/// Relays a registry's 200 for content named by a digest so that the client never receives a whole body that is
/// not that content: a manifest (small, bounded by <see cref="ManifestBody.MaxBytes"/>) is read and checked before
/// a byte goes out; a blob streams with its last chunk held back until the digest of everything before it is
/// known, and when it is wrong the caller aborts the response instead of completing it.
/// </summary>
public static class VerifyingRelay
{
    private const int ChunkSize = 64 * 1024;

    /// <returns>The error to send instead when the manifest is too large or not the one named; null once relayed.</returns>
    public static async Task<OciError?> RelayManifestAsync(HttpResponseMessage message, HttpContext context, RegistryUpstream registry, OciPath path, CancellationToken cancellationToken)
    {
        var body = await ManifestBody.ReadAsync(message.Content, cancellationToken);
        if (body is null)
        {
            return OciError.BadGateway($"registry {registry.BaseAddress.Authority} sent a manifest for {path.Name}:{path.Reference} larger than {ManifestBody.MaxBytes} bytes, the most accepted");
        }
        var labelled = message.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.FirstOrDefault() : null;
        if (ManifestBody.Verify(body, path.Digest, labelled, out _) is { } problem)
        {
            return OciError.BadGateway($"registry {registry.BaseAddress.Authority} served {path.Name}:{path.Reference} wrongly: {problem}");
        }
        ResponseRelay.CopyStatusAndHeaders(message, context.Response);
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, cancellationToken);
        return null;
    }

    /// <returns>
    /// Null once the whole blob went out verified; else why it did not, with its last chunk still unsent, so the
    /// caller must abort the response (the client then sees a body cut short, never a complete wrong one).
    /// </returns>
    public static async Task<string?> RelayBlobAsync(HttpResponseMessage message, HttpContext context, Digest expected, CancellationToken cancellationToken)
    {
        ResponseRelay.CopyStatusAndHeaders(message, context.Response);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var body = await message.Content.ReadAsStreamAsync(cancellationToken);
        var held = ArrayPool<byte>.Shared.Rent(ChunkSize);
        var next = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var heldCount = 0;
            var slice = new ThreadSlice();
            int read;
            while ((read = await body.ReadAsync(next.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                hash.AppendData(next, 0, read);
                await context.Response.Body.WriteAsync(held.AsMemory(0, heldCount), cancellationToken);
                (held, next) = (next, held);
                heldCount = read;
                await slice.PassAsync();
            }
            var actual = Digest.FromHash(hash.GetHashAndReset());
            if (actual != expected)
            {
                return $"the registry sent content with digest {actual} for {expected}";
            }
            await context.Response.Body.WriteAsync(held.AsMemory(0, heldCount), cancellationToken);
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(held);
            ArrayPool<byte>.Shared.Return(next);
        }
    }
}
