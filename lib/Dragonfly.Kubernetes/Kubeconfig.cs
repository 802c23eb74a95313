using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Dragonfly.Kubernetes;

/// <summary>A kubeconfig file: clusters, users and the contexts joining them. Relative file paths resolve against the file's folder.</summary>
internal sealed class Kubeconfig
{
    [YamlMember(Alias = "current-context")]
    public string? CurrentContext { get; set; }
    public List<NamedCluster> Clusters { get; set; } = [];
    public List<NamedUser> Users { get; set; } = [];
    public List<NamedContext> Contexts { get; set; } = [];

    [YamlIgnore]
    public string Directory { get; private set; } = ".";

    public static Kubeconfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new KubeConfigException($"kubeconfig {path} does not exist; pass --kubeconfig or set KUBECONFIG");
        }
        Kubeconfig config;
        try
        {
            config = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).IgnoreUnmatchedProperties().Build()
                .Deserialize<Kubeconfig?>(File.ReadAllText(path)) ?? new Kubeconfig();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new KubeConfigException($"kubeconfig {path} is not valid YAML: {e.Message}", e);
        }
        config.Directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        return config;
    }

    public KubernetesClientConfiguration ToConfiguration(string? contextName)
    {
        contextName ??= CurrentContext;
        if (string.IsNullOrEmpty(contextName))
        {
            throw new KubeConfigException("the kubeconfig has no current-context; name one");
        }
        var context = Contexts.FirstOrDefault(c => c.Name == contextName)?.Context
            ?? throw new KubeConfigException($"the kubeconfig has no context '{contextName}'");
        var cluster = Clusters.FirstOrDefault(c => c.Name == context.Cluster)?.Cluster
            ?? throw new KubeConfigException($"context '{contextName}' names cluster '{context.Cluster}', which the kubeconfig does not define");
        var user = context.User is null ? new User() : Users.FirstOrDefault(u => u.Name == context.User)?.User
            ?? throw new KubeConfigException($"context '{contextName}' names user '{context.User}', which the kubeconfig does not define");
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server))
        {
            throw new KubeConfigException($"cluster '{context.Cluster}' has no valid server URL ('{cluster.Server}')");
        }

        var cas = new X509Certificate2Collection();
        if (Pem(cluster.CertificateAuthorityData, cluster.CertificateAuthority) is { } caPem)
        {
            cas.ImportFromPem(caPem);
        }
        X509Certificate2? clientCertificate = null;
        var certPem = Pem(user.ClientCertificateData, user.ClientCertificate);
        var keyPem = Pem(user.ClientKeyData, user.ClientKey);
        if (certPem is not null || keyPem is not null)
        {
            if (certPem is null || keyPem is null)
            {
                throw new KubeConfigException($"user '{context.User}' needs both a client certificate and its key");
            }
            using var ephemeral = X509Certificate2.CreateFromPem(certPem, keyPem);
            // A certificate with an ephemeral key cannot be used by SslStream on every platform; round-trip it.
            clientCertificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        return new KubernetesClientConfiguration
        {
            Host = server,
            AccessToken = string.IsNullOrEmpty(user.Token) ? null : user.Token,
            TokenFile = string.IsNullOrEmpty(user.TokenFile) ? null : Resolve(user.TokenFile),
            Username = user.Username,
            Password = user.Password,
            ClientCertificate = clientCertificate,
            CaCertificates = cas,
            SkipTlsVerify = cluster.InsecureSkipTlsVerify,
            Namespace = string.IsNullOrEmpty(context.Namespace) ? "default" : context.Namespace,
        };
    }

    private string? Pem(string? base64Data, string? file)
    {
        if (!string.IsNullOrEmpty(base64Data))
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(base64Data));
            }
            catch (FormatException e)
            {
                throw new KubeConfigException("a *-data field of the kubeconfig is not valid base64", e);
            }
        }
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }
        var path = Resolve(file);
        return File.Exists(path) ? File.ReadAllText(path) : throw new KubeConfigException($"the kubeconfig names {path}, which does not exist");
    }

    private string Resolve(string path) => Path.IsPathRooted(path) ? path : Path.Combine(Directory, path);

    public sealed class NamedCluster
    {
        public string Name { get; set; } = string.Empty;
        public Cluster Cluster { get; set; } = new();
    }

    public sealed class Cluster
    {
        public string? Server { get; set; }
        public string? CertificateAuthority { get; set; }
        public string? CertificateAuthorityData { get; set; }
        public bool InsecureSkipTlsVerify { get; set; }
    }

    public sealed class NamedUser
    {
        public string Name { get; set; } = string.Empty;
        public User User { get; set; } = new();
    }

    public sealed class User
    {
        public string? Token { get; set; }
        [YamlMember(Alias = "tokenFile")]
        public string? TokenFile { get; set; }
        public string? ClientCertificate { get; set; }
        public string? ClientCertificateData { get; set; }
        public string? ClientKey { get; set; }
        public string? ClientKeyData { get; set; }
        public string? Username { get; set; }
        public string? Password { get; set; }
    }

    public sealed class NamedContext
    {
        public string Name { get; set; } = string.Empty;
        public Context Context { get; set; } = new();
    }

    public sealed class Context
    {
        public string? Cluster { get; set; }
        public string? User { get; set; }
        [YamlMember(Alias = "namespace")]
        public string? Namespace { get; set; }
    }
}
