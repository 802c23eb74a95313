using Dragonfly.LocalCluster;

namespace Dragonfly.Bench.Distribution;

/// <summary>The files the origin serves: the measured file (F random bytes) and a small one every peer fetches first to warm up.</summary>
public sealed record OriginFiles(string Root, string Name, string Digest, string WarmupName, string WarmupDigest)
{
    public const long WarmupSize = 256 * 1024;

    public static OriginFiles Create(string root, long size)
    {
        Directory.CreateDirectory(root);
        var digest = TestFiles.WriteRandom(Path.Combine(root, "file.bin"), size);
        var warmup = TestFiles.WriteRandom(Path.Combine(root, "warmup.bin"), WarmupSize);
        return new OriginFiles(root, "file.bin", "sha256:" + digest, "warmup.bin", "sha256:" + warmup);
    }
}
