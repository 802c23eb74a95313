using System.Globalization;
using Dragonfly.Core;
using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.Run;

/// <summary>
/// The tables <c>make run-mirror</c> ends with: each node's pull, each blob's GETs at the registry, and the
/// registry's blob egress in copies of the image.
/// </summary>
public static class MirrorDemoReport
{
    /// <summary>Call after <see cref="DockerRegistry.AccessLogAsync"/>, so every blob the nodes received is in the log.</summary>
    public static void Write(TextWriter output, OciImage image, IReadOnlyList<MirrorDemoPull> pulls, TimeSpan wall, DockerRegistry registry)
    {
        output.WriteLine();
        output.WriteLine($"{"node",-8} {"pull",9}  result");
        foreach (var pull in pulls)
        {
            output.WriteLine(Invariant($"{pull.Node,-8} {pull.Elapsed.TotalSeconds,8:0.00}s  {Outcome(pull)}"));
        }

        var platform = image.Platforms[0];
        var blobs = platform.Layers.Select((layer, i) => ($"layer {i + 1}", layer)).Prepend(("config", platform.Config)).ToList();
        output.WriteLine();
        output.WriteLine($"{"blob",-8} {"size",11} {"registry GETs",14} {"sent by registry",17}  digest");
        foreach (var (name, blob) in blobs)
        {
            var gets = registry.BlobGets(blob.Digest);
            output.WriteLine($"{name,-8} {ByteSize.Format(blob.Size),11} {gets.Count,14} {ByteSize.Format(gets.Sum(a => a.BytesWritten)),17}  {blob.Digest[..19]}");
        }

        var imageBytes = blobs.Sum(b => b.Item2.Size);
        var registryBytes = registry.BlobBytesServed();
        output.WriteLine();
        output.WriteLine(Invariant(
            $"{pulls.Count} pulls of a {ByteSize.Format(imageBytes)} image ({platform.Layers.Count} layers) in {wall.TotalSeconds:0.00} s; {pulls.Count(p => p.Succeeded)} complete"));
        output.WriteLine(Invariant($"image blob bytes:           {ByteSize.Format(imageBytes),11} ({imageBytes:N0} B)"));
        output.WriteLine(Invariant($"blob bytes from registry:   {ByteSize.Format(registryBytes),11} ({registryBytes:N0} B)"));
        output.WriteLine(Invariant(
            $"registry egress: {(double)registryBytes / imageBytes:0.00} copies of the image (ideal 1.00; {pulls.Count} plain pulls: {pulls.Count:0.00})"));
    }

    private static string Outcome(MirrorDemoPull pull)
    {
        if (!pull.Result.Succeeded)
        {
            var reason = (pull.Result.StdErr.Trim() is { Length: > 0 } err ? err : pull.Result.StdOut.Trim()).Split('\n')[^1];
            return $"FAILED (ctr exit {pull.Result.ExitCode}): {reason}";
        }
        return pull.BlobsPresent == pull.BlobsExpected
            ? $"ok, {pull.BlobsPresent}/{pull.BlobsExpected} blobs in its content store"
            : $"INCOMPLETE: {pull.BlobsPresent}/{pull.BlobsExpected} blobs in its content store";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
