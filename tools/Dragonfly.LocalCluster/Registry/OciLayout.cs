using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// An OCI image layout directory (image-spec <c>image-layout.md</c>): the <c>oci-layout</c> marker, blobs under
/// <c>blobs/sha256/</c>, and <c>index.json</c> naming tagged manifests by <c>org.opencontainers.image.ref.name</c>.
/// </summary>
internal sealed class OciLayout
{
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _blobDir;

    public OciLayout(string layoutDir)
    {
        Dir = Path.GetFullPath(layoutDir);
        _blobDir = Path.Combine(Dir, "blobs", "sha256");
        Directory.CreateDirectory(_blobDir);
        File.WriteAllText(Path.Combine(Dir, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
    }

    public string Dir { get; }

    public async Task<OciBlob> WriteJsonAsync(JsonNode document, string mediaType, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document);
        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        await File.WriteAllBytesAsync(BlobPath(digest), bytes, cancellationToken);
        return new OciBlob(digest, bytes.Length, mediaType);
    }

    /// <summary>
    /// Writes a gzip-compressed tar holding one file of <paramref name="size"/> pseudo-random bytes. Returns the
    /// layer's descriptor and its diff_id (sha256 of the uncompressed tar). CPU-bound: run it on the pool.
    /// </summary>
    /// <remarks>
    /// The gzip stream uses stored deflate blocks (<see cref="CompressionLevel.NoCompression"/>): still a valid
    /// gzip member every client inflates, 0.02 % larger than the tar. Measured on 70 MiB of random bytes here:
    /// NoCompression 0.1 s and +0.02 %; Fastest 0.66 s and +5.5 % (zlib-ng's level 1 codes with static
    /// Huffman trees, which expand incompressible input); Optimal 1.15 s and +0.03 %.
    /// </remarks>
    public (OciBlob Layer, string DiffId) WriteLayer(string fileName, long size, ulong seed, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var temp = Path.Combine(_blobDir, $".tmp-{Guid.NewGuid():N}");
        string digest, diffId;
        long compressedSize;
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        using (var compressed = new DigestingStream(file, leaveOpen: true))
        {
            using (var gzip = new GZipStream(compressed, CompressionLevel.NoCompression, leaveOpen: true))
            using (var uncompressed = new DigestingStream(gzip, leaveOpen: true))
            {
                using (var tar = new TarWriter(uncompressed, TarEntryFormat.Ustar, leaveOpen: true))
                {
                    var entry = new UstarTarEntry(TarEntryType.RegularFile, fileName)
                    {
                        DataStream = new PseudoRandomStream(size, seed),
                        ModificationTime = FixedTime,
                        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    };
                    tar.WriteEntry(entry);
                }
                diffId = uncompressed.Digest();
            }
            digest = compressed.Digest();
            compressedSize = compressed.BytesWritten;
        }
        File.Move(temp, BlobPath(digest), overwrite: true);
        return (new OciBlob(digest, compressedSize, OciMediaTypes.LayerTarGzip), diffId);
    }

    /// <summary>Names <paramref name="manifest"/> <paramref name="tag"/> in index.json, replacing an earlier manifest of that tag.</summary>
    public async Task TagAsync(OciBlob manifest, string tag, CancellationToken cancellationToken)
    {
        var indexPath = Path.Combine(Dir, "index.json");
        var index = File.Exists(indexPath)
            ? JsonNode.Parse(await File.ReadAllBytesAsync(indexPath, cancellationToken))!.AsObject()
            : new JsonObject { ["schemaVersion"] = 2, ["manifests"] = new JsonArray() };
        var manifests = index["manifests"]!.AsArray();
        foreach (var old in manifests.Where(m => m?["annotations"]?[RefNameAnnotation]?.GetValue<string>() == tag).ToList())
        {
            manifests.Remove(old);
        }
        var descriptor = Descriptor(manifest);
        descriptor["annotations"] = new JsonObject { [RefNameAnnotation] = tag };
        manifests.Add(descriptor);
        await File.WriteAllBytesAsync(indexPath, JsonSerializer.SerializeToUtf8Bytes(index), cancellationToken);
    }

    public static JsonObject Descriptor(OciBlob blob) => new()
    {
        ["mediaType"] = blob.MediaType,
        ["digest"] = blob.Digest,
        ["size"] = blob.Size,
    };

    private string BlobPath(string digest) => Path.Combine(_blobDir, digest["sha256:".Length..]);
}
