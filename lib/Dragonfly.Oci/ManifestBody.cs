using System.Buffers;
using Dragonfly.Core;

namespace Dragonfly.Oci;

/// <summary>
/// A manifest as a registry sends it: read with the size limit pullers apply (containerd refuses manifests over
/// 4 MiB), however the registry frames the body, and checked against the digest it was asked for and the
/// <c>Docker-Content-Digest</c> it was labelled with.
/// </summary>
public static class ManifestBody
{
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <returns>The body, or null when it is larger than <see cref="MaxBytes"/> (as declared, or as sent without a length).</returns>
    public static async Task<byte[]?> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxBytes)
        {
            return null;
        }
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (body.Length + read > MaxBytes)
                {
                    return null;
                }
                body.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return body.ToArray();
    }

    /// <summary>
    /// The problem in words when <paramref name="body"/> is not what was <paramref name="asked"/> for (a digest
    /// reference) or not what the registry <paramref name="labelled"/> it (its SHA-256 Docker-Content-Digest); else null.
    /// </summary>
    public static string? Verify(byte[] body, Digest? asked, string? labelled, out Digest actual)
    {
        actual = Digest.Compute(body);
        if (asked is { } expected && expected != actual)
        {
            return $"the manifest sent for {expected} has digest {actual}";
        }
        // Only a SHA-256 label can be checked (the only algorithm here); a registry labelling with another is not lying.
        if (labelled is not null && labelled.StartsWith(Digest.Sha256Prefix, StringComparison.Ordinal) && labelled != actual.ToString())
        {
            return $"the manifest labelled Docker-Content-Digest: {Shorten(labelled)} has digest {actual}";
        }
        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
