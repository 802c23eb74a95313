using System.Buffers;
using System.Security.Cryptography;
using Dragonfly.Core;
using Dragonfly.Core.Storage;

namespace Dragonfly.PeerDaemon.Download;

/// <summary>Reads stored content back and hashes it: the whole-content check before content counts as complete.</summary>
internal static class ContentVerifier
{
    public static async Task<Digest> DigestAsync(StoredContent content, long length, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1024 * 1024);
        try
        {
            long offset = 0;
            while (offset < length)
            {
                var read = await content.ReadAsync(offset, buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - offset)), cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"content of task {content.Id} ends at {offset}, before its length {length}");
                }
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
            return Digest.FromHash(hash.GetHashAndReset());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
