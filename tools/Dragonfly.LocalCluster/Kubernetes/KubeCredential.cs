namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>How a client proves who it is to the apiserver: a bearer token or a client certificate (PEM).</summary>
public sealed record KubeCredential
{
    private KubeCredential(string userName) => UserName = userName;

    /// <summary>The name of the entry in a kubeconfig's <c>users</c> list (and of its context).</summary>
    public string UserName { get; }

    public string? Token { get; private init; }

    public string? ClientCertificatePem { get; private init; }

    public string? ClientKeyPem { get; private init; }

    public static KubeCredential FromToken(string userName, string token) => new(userName) { Token = token };

    public static KubeCredential FromClientCertificate(string userName, string certificatePem, string keyPem) =>
        new(userName) { ClientCertificatePem = certificatePem, ClientKeyPem = keyPem };
}
