namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>
/// Where kube-apiserver and etcd are. kube-apiserver: <c>$DRAGONFLY_KUBE_APISERVER</c>, else the binary that
/// tools/kube-apiserver/build.sh puts under <c>${DRAGONFLY_CACHE:-/var/cache/dragonfly}</c>; etcd: on PATH.
/// </summary>
public static class KubeBinaries
{
    public const string Version = "v1.20.2";
    private const string Hint = "run `make deps-kube` (tools/kube-apiserver/build.sh) to build kube-apiserver and install etcd";

    /// <summary>Where the build scripts cache tools: <c>$DRAGONFLY_CACHE</c>, else <c>/var/cache/dragonfly</c>.</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("DRAGONFLY_CACHE") is { Length: > 0 } dir ? dir : "/var/cache/dragonfly";

    public static string KubeApiServer
    {
        get
        {
            if (Environment.GetEnvironmentVariable("DRAGONFLY_KUBE_APISERVER") is { Length: > 0 } overridden)
            {
                return File.Exists(overridden) ? overridden : throw new FileNotFoundException($"DRAGONFLY_KUBE_APISERVER names {overridden}, which does not exist");
            }
            var path = Path.Combine(CacheDirectory, "kube-apiserver-" + Version, "kube-apiserver");
            return File.Exists(path) ? path : throw new FileNotFoundException($"kube-apiserver {Version} is not at {path}; {Hint}");
        }
    }

    public static string Etcd =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "etcd"))
            .FirstOrDefault(File.Exists)
        ?? throw new FileNotFoundException($"etcd is not on PATH; {Hint}");
}
