namespace Dragonfly.Bench.Distribution;

/// <summary>
/// .NET runtime settings for the daemons of this benchmark, which runs up to 200 of them on two cores (a real
/// cluster gives each its own node). Set in this process's environment, so every component started from it
/// inherits them; the product's code paths are unchanged.
/// <list type="bullet">
/// <item><c>DOTNET_TieredCompilation=0</c>: code is compiled once, fully optimised, at first use (the warm-up
/// download), instead of being recompiled when it gets hot, which happened inside the measurement in every
/// process at once: a profile at N = 25 showed 44% of all CPU in the JIT and peers using both cores.</item>
/// <item><c>DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0</c>: idle thread-pool workers sleep instead of
/// spinning (sched_yield was the next largest item of that profile).</item>
/// <item><c>DOTNET_hostBuilder__reloadConfigOnChange=false</c>: no file watcher on the configuration files;
/// each one takes an inotify instance, and the default limit of 128 per user stopped the 124th daemon.</item>
/// </list>
/// The first two together cut the daemons' CPU at N = 25 from 2.0 to 0.7 cores.
/// <para>
/// The daemons alone also get <see cref="PeerEnvironment"/>: <c>DOTNET_PROCESSOR_COUNT=1</c>, so each sizes its
/// thread pool for the one core it could use at most, as in a pod with a CPU limit of one core or less (.NET
/// takes the count from the cgroup quota there). With two, each daemon's work hopped between two pool threads,
/// and with 200 processes on two cores each hop is a process switch: at N = 200 the daemons needed 311 CPU-s,
/// with one 265 CPU-s, and the swarm finished at 143 s instead of 167 s.
/// </para>
/// </summary>
public static class CrowdedHostRuntime
{
    public static IReadOnlyDictionary<string, string> PeerEnvironment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_PROCESSOR_COUNT"] = "1",
    };

    public static void Apply()
    {
        Environment.SetEnvironmentVariable("DOTNET_TieredCompilation", "0");
        Environment.SetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit", "0");
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }
}
