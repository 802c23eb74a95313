using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>
/// The static kubectl and helm that tools/kube-tools/fetch.sh (<c>make deps-kube-tools</c>) caches under
/// <c>${DRAGONFLY_CACHE:-/var/cache/dragonfly}</c>, and a way to run them with their state in a test directory.
/// </summary>
public static class KubeTools
{
    private const string Version = "2.2.2";

    public static string Kubectl => Find("kubectl");

    public static string Helm => Find("helm");

    /// <summary>Runs kubectl against <paramref name="kubeconfig"/>.</summary>
    public static Task<ToolResult> KubectlAsync(string kubeconfig, IEnumerable<string> args, CancellationToken cancellationToken) =>
        ToolProcess.RunAsync(Kubectl, ["--kubeconfig", kubeconfig, .. args], TimeSpan.FromSeconds(60), cancellationToken,
            new Dictionary<string, string> { ["HOME"] = Path.GetDirectoryName(kubeconfig)! });

    /// <summary>Runs helm with its cache, config and data directories under <paramref name="home"/>.</summary>
    public static Task<ToolResult> HelmAsync(string home, IEnumerable<string> args, CancellationToken cancellationToken) =>
        ToolProcess.RunAsync(Helm, args, TimeSpan.FromSeconds(60), cancellationToken, new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["HELM_CACHE_HOME"] = Path.Combine(home, "cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(home, "config"),
            ["HELM_DATA_HOME"] = Path.Combine(home, "data"),
        });

    private static string Find(string tool)
    {
        var path = Path.Combine(KubeBinaries.CacheDirectory, "kube-tools-" + Version, tool);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{tool} is not at {path}; run `make deps-kube-tools` (tools/kube-tools/fetch.sh)");
    }
}
