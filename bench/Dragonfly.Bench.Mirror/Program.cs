using System.Diagnostics;
using System.Globalization;
using Dragonfly.Bench.Mirror;
using Dragonfly.Core;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Measurement;
using Dragonfly.LocalCluster.Registry;

// Comparisons, each against a baseline measured in this same run and interleaved with it (the machine is
// noisy): (1) a cached blob through a peer daemon's mirror vs straight from docker-registry, as throughput;
// (2) a cold multi-layer image pull by containerd through the mirror vs direct, as time, with the registry on
// loopback; (3) the same with the registry behind a link of REGISTRY_LINK bytes/s (default 125M, about 1 Gbit/s;
// 0 skips it), as a registry across a network is.
var blobSize = ByteSize.Parse(Environment.GetEnvironmentVariable("BLOB") ?? "1G");
var rounds = int.Parse(Environment.GetEnvironmentVariable("ROUNDS") ?? "3", CultureInfo.InvariantCulture);
// Unmeasured cold pulls first, both ways: a daemon just started compiles its download path as it runs it (tiered
// JIT: half the supernode's and the peer's CPU in the first cold pulls was the JIT), while containerd and the
// registry are native. The measured rounds compare the daemons in their steady state; the warm-up times are printed too.
var warmup = int.Parse(Environment.GetEnvironmentVariable("WARMUP") ?? "3", CultureInfo.InvariantCulture);
var linkRate = ByteSize.Parse(Environment.GetEnvironmentVariable("REGISTRY_LINK") ?? "125M");
var shapedRounds = linkRate > 0 ? rounds : 0;
if (Environment.GetEnvironmentVariable("PROBE") == "link" && linkRate <= 0)
{
    Console.Error.WriteLine("PROBE=link needs a link: REGISTRY_LINK must be a rate (such as 125M), not 0");
    return 2;
}
// SETTLE=S: the machine idles S seconds before each cold pull (warm-up rounds included), as a node mostly does between pulls. On a VM with
// free page reporting the kernel hands memory freed 2 s ago to the host, so after a settle every pull starts from
// the same state, instead of the next pull reusing whatever the previous one freed (see bench/README.md).
var settle = TimeSpan.FromSeconds(double.Parse(Environment.GetEnvironmentVariable("SETTLE") ?? "3", CultureInfo.InvariantCulture));
using var reporting = PageReporting.Apply(Environment.GetEnvironmentVariable("PAGE_REPORTING"));
Console.WriteLine(reporting.Description);
Console.WriteLine(settle > TimeSpan.Zero ? $"each pull starts after {settle.TotalSeconds:0.#} s idle (SETTLE=0: right after the one before)" : "each pull starts right after the one before (SETTLE=0)");
var work = Path.Combine(Path.GetTempPath(), "dragonfly-bench-mirror-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(work);
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = stop.Token;
await using var registry = await DockerRegistry.StartAsync(new DockerRegistryOptions { WorkDir = Path.Combine(work, "registry") }, ct);

Console.WriteLine($"Pushing a {ByteSize.Format(blobSize)} single-layer image and {2 * (warmup + rounds + shapedRounds)} cold multi-layer images ...");
var big = await OciImageBuilder.CreateAsync(Path.Combine(work, "big"), "v1", [blobSize], 7, cancellationToken: ct);
await Skopeo.PushAsync(big.LayoutDir, "v1", registry.Reference("bench/big:v1"), null, ct);
var coldLayers = new long[] { 4 << 20, 16 << 20, 32 << 20, 64 << 20, 8 << 20 };
var cold = new List<(string Reference, OciImage Image)>();
for (var i = 0; i < (warmup + rounds + shapedRounds) * 2; i++)
{
    var image = await OciImageBuilder.CreateAsync(Path.Combine(work, "cold" + i), "v1", coldLayers, 100 + i, arch: RuntimeArch(), cancellationToken: ct);
    await Skopeo.PushAsync(image.LayoutDir, "v1", registry.Reference($"bench/cold{i}:v1"), null, ct);
    cold.Add((registry.Reference($"bench/cold{i}:v1"), image));
}

await using var link = new ShapedLink(System.Net.IPEndPoint.Parse(registry.Host), linkRate);
await using var cluster = await LocalCluster.StartAsync(new LocalClusterOptions
{
    WorkDir = work, OriginRoot = Directory.CreateDirectory(Path.Combine(work, "origin")).FullName, Peers = 1,
    // SUPERNODE_ARGS and PEER_ARGS (space-separated) add settings, e.g. SUPERNODE_ARGS="--pieceSize:min 1M".
    SupernodeArgs = LocalClusterOptions.ArgsFromEnvironment("SUPERNODE_ARGS"),
    PeerArgs = ["--mirror:registries:0", "http://" + registry.Host, "--mirror:registries:1", "http://" + link.Host, .. LocalClusterOptions.ArgsFromEnvironment("PEER_ARGS")],
}, ct);
var mirror = cluster.Peers[0].MirrorAddress;
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
var layer = big.Layers[0];
var layerSize = layer.Size;
var direct = $"{registry.BaseAddress}v2/bench/big/blobs/{layer.Digest}";
var viaMirror = $"http://{mirror}/v2/bench/big/blobs/{layer.Digest}?ns={registry.Host}";
await ReadAllAsync(viaMirror); // cache it on the peer

var directRates = new List<double>();
var mirrorRates = new List<double>();
for (var i = 0; i < rounds; i++)
{
    directRates.Add(layerSize / await ReadAllAsync(direct) / (1 << 20));
    mirrorRates.Add(layerSize / await ReadAllAsync(viaMirror) / (1 << 20));
}

// PROBE=1: instead of containerd, a plain HTTP client reads each cold image's layers at once (as a runtime does),
// alternately straight from docker-registry and through the mirror, and the run ends there. It shows the mirror's
// cold path without containerd's own work: when each layer's first byte and last byte arrived. PROBE=link does the
// same with the registry behind the link (REGISTRY_LINK), for direct reads and the seed's alike.
if (Environment.GetEnvironmentVariable("PROBE") is "1" or "link")
{
    var origin = Environment.GetEnvironmentVariable("PROBE") == "link" ? link.Host : registry.Host;
    var probeDirect = new List<double>();
    var probeMirror = new List<double>();
    for (var i = 0; i < warmup + rounds; i++)
    {
        var d = await ReadImageAsync(cold[2 * i].Image, $"http://{origin}/v2/bench/cold{2 * i}/blobs/", "");
        var m = await ReadImageAsync(cold[2 * i + 1].Image, $"http://{mirror}/v2/bench/cold{2 * i + 1}/blobs/", $"?ns={origin}");
        Console.WriteLine($"{(i < warmup ? "warm-up" : "round")} {i}: direct {d.Seconds:0.000} s ({d.Layers}), mirror {m.Seconds:0.000} s ({m.Layers})");
        if (i >= warmup)
        {
            probeDirect.Add(d.Seconds);
            probeMirror.Add(m.Seconds);
        }
    }
    Console.WriteLine($"cold image read by an HTTP client, s   direct: {Join(probeDirect)}   mirror: {Join(probeMirror)}   ratio of medians: {Median(probeMirror) / Median(probeDirect):0.00}");
    return Finish();
}

await using var containerd = await Containerd.StartAsync(Path.Combine(work, "ctr"), ct);
// PIN=1 models a real cluster on this 2-core machine: the registry and the supernode (remote infrastructure) on
// core 0, the node's peer daemon and containerd on core 1. Unpinned, all four compete for both cores, which
// charges the mirror for work a real node never does.
var pinned = Environment.GetEnvironmentVariable("PIN") == "1";
if (pinned)
{
    await PinAsync(registry.Pid, 0);
    await PinAsync(cluster.Supernode!.Pid, 0);
    await PinAsync(cluster.Peers[0].Process.Pid, 1);
    await PinAsync(containerd.Pid, 1);
}
var directHosts = Path.Combine(work, "hosts-direct");
var mirrorHosts = Path.Combine(work, "hosts-mirror");
Containerd.WriteHostsToml(directHosts, registry.Host, "http://" + registry.Host, []);
Containerd.WriteHostsToml(mirrorHosts, registry.Host, "http://" + registry.Host, ["http://" + mirror]);
var directPulls = new List<double>();
var mirrorPulls = new List<double>();
var warmPulls = new List<double>();
// Where the cores went during the pulls: CPU seconds per process (ctr, the client, is in the machine's total).
var processes = new (string Name, int Pid)[] { ("registry", registry.Pid), ("supernode", cluster.Supernode!.Pid), ("peer", cluster.Peers[0].Process.Pid), ("containerd", containerd.Pid) };
var directCpu = new PullCpu(processes.Length);
var mirrorCpu = new PullCpu(processes.Length);
var warmCpu = new PullCpu(processes.Length);
var warmupDirect = new List<double>();
var warmupMirror = new List<double>();
var unmeasured = new PullCpu(processes.Length);
for (var i = 0; i < warmup; i++)
{
    warmupDirect.Add(await PullAsync(cold[2 * i].Reference, directHosts, unmeasured));
    warmupMirror.Add(await PullAsync(cold[2 * i + 1].Reference, mirrorHosts, unmeasured));
}
Console.WriteLine($"{warmup} warm-up rounds done; measuring {rounds} rounds of direct, mirror, and mirror again ...");
for (var i = warmup; i < warmup + rounds; i++)
{
    directPulls.Add(await PullAsync(cold[2 * i].Reference, directHosts, directCpu));
    mirrorPulls.Add(await PullAsync(cold[2 * i + 1].Reference, mirrorHosts, mirrorCpu));
    // The same image again: containerd is cold, the peer already holds every layer.
    warmPulls.Add(await PullAsync(cold[2 * i + 1].Reference, mirrorHosts, warmCpu));
}

var shapedDirect = new List<double>();
var shapedMirror = new List<double>();
var shapedDirectCpu = new PullCpu(processes.Length);
var shapedMirrorCpu = new PullCpu(processes.Length);
if (shapedRounds > 0)
{
    Console.WriteLine($"measuring {shapedRounds} rounds with the registry behind a {ByteSize.Format(linkRate)}/s link ...");
    var shapedDirectHosts = Path.Combine(work, "hosts-shaped-direct");
    var shapedMirrorHosts = Path.Combine(work, "hosts-shaped-mirror");
    Containerd.WriteHostsToml(shapedDirectHosts, link.Host, "http://" + link.Host, []);
    Containerd.WriteHostsToml(shapedMirrorHosts, link.Host, "http://" + link.Host, ["http://" + mirror]);
    for (var i = warmup + rounds; i < warmup + rounds + shapedRounds; i++)
    {
        shapedDirect.Add(await PullAsync(cold[2 * i].Reference.Replace(registry.Host, link.Host), shapedDirectHosts, shapedDirectCpu));
        shapedMirror.Add(await PullAsync(cold[2 * i + 1].Reference.Replace(registry.Host, link.Host), shapedMirrorHosts, shapedMirrorCpu));
    }
}

Console.WriteLine();
Console.WriteLine(pinned ? "cores: registry and supernode on 0, peer daemon and containerd on 1 (PIN=1)" : "cores: every process on both (PIN=1 pins them as in a cluster)");
Console.WriteLine($"cached {ByteSize.Format(blobSize)} blob, MiB/s   direct: {Join(directRates)}   mirror: {Join(mirrorRates)}");
Console.WriteLine($"  throughput ratio mirror/direct (medians): {Median(mirrorRates) / Median(directRates):0.00}   (goal >= 0.90)");
Console.WriteLine($"warm-up cold pulls (not in the ratio), s   direct: {Join(warmupDirect)}   mirror: {Join(warmupMirror)}");
Console.WriteLine($"cold pull of {coldLayers.Length} layers ({ByteSize.Format(coldLayers.Sum())}), s   direct: {Join(directPulls)}   mirror: {Join(mirrorPulls)}");
Console.WriteLine($"  time ratio mirror/direct (medians): {Median(mirrorPulls) / Median(directPulls):0.00}   (goal <= 1.10)");
Console.WriteLine($"same images again, layers already on the peer, s: {Join(warmPulls)}   ratio to direct: {Median(warmPulls) / Median(directPulls):0.00}");
if (shapedRounds > 0)
{
    Console.WriteLine($"cold pull, registry behind a {ByteSize.Format(linkRate)}/s link, s   direct: {Join(shapedDirect)}   mirror: {Join(shapedMirror)}");
    Console.WriteLine($"  time ratio mirror/direct (medians): {Median(shapedMirror) / Median(shapedDirect):0.00}   (goal <= 1.10)");
}
var kinds = new List<(string, PullCpu, List<double>)> { ("direct", directCpu, directPulls), ("mirror", mirrorCpu, mirrorPulls), ("again", warmCpu, warmPulls) };
if (shapedRounds > 0)
{
    kinds.Add(("link direct", shapedDirectCpu, shapedDirect));
    kinds.Add(("link mirror", shapedMirrorCpu, shapedMirror));
}
Console.WriteLine("ctr's split of each pull (medians): fetch (its last 'elapsed', 0.1 s steps) + unpack ('done'), s:");
foreach (var (label, cpu, _) in kinds.Where(k => k.Item2.Fetch.Count > 0))
{
    Console.WriteLine($"  {label,-11} fetch {Median(cpu.Fetch):0.00}  unpack {Median(cpu.Unpack):0.00}");
}
Console.WriteLine("CPU seconds per pull (mean), by process; 'machine' is every process on both cores, ctr included:");
foreach (var (label, cpu, seconds) in kinds)
{
    var n = seconds.Count;
    var parts = processes.Select((p, k) => $"{p.Name} {cpu.Process[k] / n:0.00}");
    Console.WriteLine($"  {label,-11} {string.Join("  ", parts)}  machine {cpu.Machine / n:0.00} of {Environment.ProcessorCount * seconds.Average():0.00} core-s ({100 * cpu.Machine / n / (Environment.ProcessorCount * seconds.Average()):0}% busy)");
}
Console.WriteLine("the same, split where ctr's unpack began (sampled every 20 ms), fetch | unpack:");
foreach (var (label, cpu, _) in kinds.Where(k => k.Item2.Fetch.Count > 0))
{
    var parts = processes.Select((p, k) => $"{p.Name} {cpu.FetchProcess[k] / cpu.Fetch.Count:0.00} | {cpu.UnpackProcess[k] / cpu.Fetch.Count:0.00}");
    Console.WriteLine($"  {label,-11} {string.Join("  ", parts)}");
}
return Finish();

// Deletes the work directory (12 GiB with the defaults) unless KEEP=1; the processes using it stop when the run ends.
int Finish()
{
    if (Environment.GetEnvironmentVariable("KEEP") != "1")
    {
        Directory.Delete(work, recursive: true);
    }
    else
    {
        Console.WriteLine($"logs and data kept in {work}");
    }
    return 0;
}

async Task<double> ReadAllAsync(string url)
{
    var watch = Stopwatch.StartNew();
    await ReadBodyAsync(url, layerSize, watch);
    return watch.Elapsed.TotalSeconds;
}

// GETs url and reads its body to the end, checking its size; returns when the first byte came on watch's clock, in ms.
async Task<double> ReadBodyAsync(string url, long expectedSize, Stopwatch watch)
{
    var buffer = new byte[1 << 20];
    using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
    response.EnsureSuccessStatusCode();
    await using var body = await response.Content.ReadAsStreamAsync(ct);
    long total = 0;
    var first = -1.0;
    int read;
    while ((read = await body.ReadAsync(buffer, ct)) > 0)
    {
        first = first < 0 ? watch.Elapsed.TotalMilliseconds : first;
        total += read;
    }
    if (total != expectedSize)
    {
        throw new InvalidOperationException($"{url} gave {total} bytes, expected {expectedSize}");
    }
    return first;
}

// Reads every layer of the image at once; the whole time, and per layer (MiB) when its first and last byte came, in ms.
async Task<(double Seconds, string Layers)> ReadImageAsync(OciImage image, string blobsUrl, string query)
{
    if (settle > TimeSpan.Zero)
    {
        await Task.Delay(settle, ct);
    }
    var started = DateTime.Now;
    var watch = Stopwatch.StartNew();
    var layers = await Task.WhenAll(image.Layers.Select(async l =>
    {
        var first = await ReadBodyAsync($"{blobsUrl}{l.Digest}{query}", l.Size, watch);
        return $"{l.Size >> 20}M {first:0}-{watch.Elapsed.TotalMilliseconds:0}";
    }));
    // The start in local time, to set against the daemons' logs (KEEP=1 keeps them).
    return (watch.Elapsed.TotalSeconds, $"from {started:HH:mm:ss.fff}: " + string.Join(", ", layers));
}

async Task<double> PullAsync(string reference, string hostsDir, PullCpu cpu)
{
    if (settle > TimeSpan.Zero)
    {
        await Task.Delay(settle, ct);
    }
    await using var sampler = new CpuSampler(processes.Select(p => p.Pid));
    var machine = new MachineLoad();
    var pull = await containerd.PullAsync(reference, hostsDir, cancellationToken: ct);
    pull.ThrowIfFailed("ctr pull " + reference);
    var seconds = sampler.Elapsed;
    var used = await sampler.StopAsync();
    var phases = CtrPhases.TryParse(pull.StdOut);
    if (Environment.GetEnvironmentVariable("PULL_LOG") is { } pullLog)
    {
        // Each pull's window on CLOCK_MONOTONIC (ns), to cut a `perf record -k CLOCK_MONOTONIC` profile by pull,
        // and in local time, to set against the daemons' logs.
        var end = Stopwatch.GetTimestamp();
        var now = DateTime.Now;
        File.AppendAllText(pullLog, $"{Path.GetFileName(hostsDir)} {end - (long)(seconds * Stopwatch.Frequency)} {end} {now.AddSeconds(-seconds):HH:mm:ss.fff} {now:HH:mm:ss.fff} {phases}\n");
    }
    cpu.Machine += machine.BusyFraction() * Environment.ProcessorCount * seconds;
    if (phases is not null)
    {
        cpu.Fetch.Add(phases.Fetch);
        cpu.Unpack.Add(phases.Unpack);
        // The unpack's length is exact (ctr's 'done'), the fetch's is in 0.1 s steps: split where the unpack began.
        var fetching = sampler.UsedUntil(seconds - phases.Unpack);
        for (var k = 0; k < used.Length; k++)
        {
            cpu.FetchProcess[k] += fetching[k];
            cpu.UnpackProcess[k] += used[k] - fetching[k];
        }
    }
    for (var k = 0; k < used.Length; k++)
    {
        cpu.Process[k] += used[k];
    }
    await containerd.RemoveImageAsync(reference, ct);
    return seconds;
}

async Task PinAsync(int pid, int core) =>
    (await ToolProcess.RunAsync("taskset", ["-a", "-p", "-c", core.ToString(CultureInfo.InvariantCulture), pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10), ct))
        .ThrowIfFailed($"taskset of pid {pid}");

static string RuntimeArch() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
{
    System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
    _ => "amd64",
};

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static string Join(List<double> values) => string.Join(" ", values.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));

/// <summary>CPU seconds summed over a kind of pull: per process, and the whole machine's busy core-seconds.</summary>
sealed class PullCpu(int processes)
{
    public double[] Process { get; } = new double[processes];

    /// <summary>The same, before and after the moment ctr's unpack began, over the pulls ctr gave its split for (<see cref="Fetch"/>).</summary>
    public double[] FetchProcess { get; } = new double[processes];

    public double[] UnpackProcess { get; } = new double[processes];

    public double Machine { get; set; }

    /// <summary>ctr's own split of each pull: fetching the blobs, then unpacking them (seconds).</summary>
    public List<double> Fetch { get; } = [];

    public List<double> Unpack { get; } = [];
}
