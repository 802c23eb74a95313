using Dragonfly.Bench.Distribution;

// make bench-distribution / bench-distribution-sweep: one file to N peer daemons through the supernode, timed
// per peer against the lower bound and against N clients straight from the origin (see DistributionBenchmark).
// make bench-distribution-micro (first argument `micro`): scheduler reports/s on one core, piece verify+write
// throughput, and a peer daemon's peak RSS while serving a 1 GiB blob to 10 peers (see MicroBenchmarks).
// `plot CSV`: draws CSV's PNG again (e.g. after joining the rows of two runs made with the same parameters).
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(60));
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
if (args is ["micro", ..] && OperatingSystem.IsLinux())
{
    return await MicroBenchmarks.RunAsync(cancel.Token);
}
if (DistributionOptions.FromEnvironment(out var error) is not { } options)
{
    Console.Error.WriteLine("bench-distribution: " + error);
    return 2;
}
if (args is ["plot", var csv])
{
    var peers = File.ReadLines(csv).Skip(1).Select(line => int.Parse(line.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    return await GnuplotChart.WriteAsync(Path.GetFullPath(csv), Path.ChangeExtension(Path.GetFullPath(csv), ".png"), options, peers, cancel.Token) ? 0 : 1;
}
return await DistributionBenchmark.RunAsync(options, cancel.Token);
