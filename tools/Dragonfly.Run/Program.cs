using System.Globalization;
using Dragonfly.Core;
using Dragonfly.LocalCluster;
using Dragonfly.Run;

// make run-mirror (first argument `mirror`, or MODE=mirror): the registry mirror demo, see MirrorDemo.
if (args is ["mirror", ..] || Environment.GetEnvironmentVariable("MODE") == "mirror")
{
    return await MirrorDemo.RunAsync();
}

// make run [SIZE=256M] [PEERS=4]: an origin with a generated file, one supernode and PEERS peer daemons as
// separate processes on loopback; dfget through every peer at once; every copy verified; a table of where
// each peer's bytes came from; the origin's egress in copies of the file.
var size = ByteSize.Parse(Environment.GetEnvironmentVariable("SIZE") is { Length: > 0 } s ? s : "256M");
var peerCount = int.Parse(Environment.GetEnvironmentVariable("PEERS") is { Length: > 0 } p ? p : "4", CultureInfo.InvariantCulture);
if (peerCount < 1 || size <= 0)
{
    Console.Error.WriteLine("make run: PEERS must be at least 1 and SIZE positive (e.g. SIZE=256M PEERS=4)");
    return 2;
}
var workDir = Path.Combine(Path.GetTempPath(), $"dragonfly-run-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
var originRoot = Path.Combine(workDir, "origin");
Directory.CreateDirectory(originRoot);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

Console.WriteLine($"Generating a {ByteSize.Format(size)} file of random bytes ...");
var expected = TestFiles.WriteRandom(Path.Combine(originRoot, "demo.bin"), size);
Console.WriteLine($"Starting origin, supernode and {peerCount} peer daemons on loopback (logs in {workDir}) ...");
await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions { WorkDir = workDir, OriginRoot = originRoot, Peers = peerCount }, cancel.Token);
Console.WriteLine($"  origin     {cluster.Origin.BaseAddress}");
Console.WriteLine($"  supernode  {cluster.SupernodeAddress} (pid {cluster.Supernode!.Pid})");
foreach (var peer in cluster.Peers)
{
    Console.WriteLine($"  {peer.Name,-10} {peer.Ip} (local API {peer.ApiAddress}, pid {peer.Process.Pid})");
}

var url = cluster.Origin.UrlOf("demo.bin");
Console.WriteLine($"Downloading {url} through every peer at once with dfget ...");
var started = DateTime.UtcNow;
var results = await Task.WhenAll(cluster.Peers.Select(peer =>
    cluster.DfgetAsync(peer, url, Path.Combine(workDir, $"{peer.Name}.out"), cancellationToken: cancel.Token)));
var wall = DateTime.UtcNow - started;

Console.WriteLine();
Console.WriteLine($"{"peer",-8} {"time",9} {"from origin",14} {"from supernode",16} {"from peers",14}  verified");
var failures = 0;
foreach (var (peer, result) in cluster.Peers.Zip(results))
{
    if (result.Summary is not { } sum)
    {
        failures++;
        Console.WriteLine($"{peer.Name,-8} FAILED (exit {result.ExitCode}): {result.StandardError.Trim()}");
        continue;
    }
    var ok = TestFiles.Sha256Of(sum.Output) == expected;
    failures += ok ? 0 : 1;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{peer.Name,-8} {sum.ElapsedMillis / 1000.0,8:0.00}s {ByteSize.Format(sum.FromSource),14} {ByteSize.Format(sum.FromSeed),16} {ByteSize.Format(sum.FromPeers),14}  {(ok ? "sha256 ok" : "MISMATCH")}"));
}
var fromPeers = results.Sum(r => r.Summary?.FromPeers ?? 0);
var total = results.Sum(r => r.Summary?.Total ?? 0);
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{peerCount} copies of {ByteSize.Format(size)} in {wall.TotalSeconds:0.00} s; {100.0 * fromPeers / Math.Max(1, total):0}% of all bytes came from other peers"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"source egress: {(double)cluster.Origin.BytesServed / size:0.00} copies"));
if (failures > 0)
{
    Console.Error.WriteLine($"make run: {failures} peer(s) failed; logs are in {workDir}");
    return 1;
}
foreach (var peer in cluster.Peers)
{
    File.Delete(Path.Combine(workDir, $"{peer.Name}.out"));
}
return 0;
