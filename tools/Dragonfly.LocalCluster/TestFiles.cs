using System.Security.Cryptography;

namespace Dragonfly.LocalCluster;

public static class TestFiles
{
    /// <summary>Writes <paramref name="size"/> random bytes to <paramref name="path"/> and returns their SHA-256 hex.</summary>
    public static string WriteRandom(string path, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = File.Create(path);
        var buffer = new byte[1024 * 1024];
        for (long written = 0; written < size; written += buffer.Length)
        {
            var count = (int)Math.Min(buffer.Length, size - written);
            RandomNumberGenerator.Fill(buffer.AsSpan(0, count));
            hash.AppendData(buffer, 0, count);
            stream.Write(buffer, 0, count);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
