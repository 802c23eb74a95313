using System.Security.Cryptography.X509Certificates;

namespace Dragonfly.Kubernetes;

/// <summary>
/// Where the API server is and how to authenticate to it, from a kubeconfig file or the pod's service account.
/// Same name and factory methods as KubernetesClient's class.
/// </summary>
public sealed class KubernetesClientConfiguration
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    public required Uri Host { get; init; }
    /// <summary>A fixed bearer token.</summary>
    public string? AccessToken { get; init; }
    /// <summary>A file holding the bearer token, re-read as it rotates (projected service account tokens do).</summary>
    public string? TokenFile { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public X509Certificate2? ClientCertificate { get; init; }
    /// <summary>Roots to trust for the server's certificate; empty means the system store.</summary>
    public X509Certificate2Collection CaCertificates { get; init; } = [];
    public bool SkipTlsVerify { get; init; }
    /// <summary>The context's or the service account's namespace.</summary>
    public string Namespace { get; init; } = "default";
    /// <summary>Timeout of one ordinary call; watches are bounded by their own timeoutSeconds.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>True inside a pod with a mounted service account.</summary>
    public static bool IsInCluster() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST"))
        && File.Exists(Path.Combine(ServiceAccountDirectory, "token"));

    /// <summary>The pod's service account: the API server from KUBERNETES_SERVICE_HOST/PORT, its token, CA and namespace.</summary>
    public static KubernetesClientConfiguration InClusterConfig(string serviceAccountDirectory = ServiceAccountDirectory)
    {
        var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
        var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrEmpty(host) || string.IsNullOrEmpty(port))
        {
            throw new KubeConfigException("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
        }
        var tokenFile = Path.Combine(serviceAccountDirectory, "token");
        if (!File.Exists(tokenFile))
        {
            throw new KubeConfigException($"not running in a cluster: no service account token at {tokenFile}");
        }
        var caFile = Path.Combine(serviceAccountDirectory, "ca.crt");
        var namespaceFile = Path.Combine(serviceAccountDirectory, "namespace");
        var cas = new X509Certificate2Collection();
        if (File.Exists(caFile))
        {
            cas.ImportFromPemFile(caFile);
        }
        return new KubernetesClientConfiguration
        {
            Host = new UriBuilder("https", host.Contains(':') ? $"[{host}]" : host, int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)).Uri,
            TokenFile = tokenFile,
            CaCertificates = cas,
            Namespace = File.Exists(namespaceFile) ? File.ReadAllText(namespaceFile).Trim() : "default",
        };
    }

    /// <summary>
    /// From a kubeconfig file: <paramref name="path"/>, else $KUBECONFIG (first entry), else ~/.kube/config;
    /// the named context or the current one.
    /// </summary>
    public static KubernetesClientConfiguration BuildConfigFromConfigFile(string? path = null, string? currentContext = null)
    {
        path ??= Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return Kubeconfig.Load(path).ToConfiguration(currentContext);
    }

    /// <summary>In-cluster when in a pod, else the kubeconfig file.</summary>
    public static KubernetesClientConfiguration BuildDefaultConfig() =>
        IsInCluster() ? InClusterConfig() : BuildConfigFromConfigFile();
}
