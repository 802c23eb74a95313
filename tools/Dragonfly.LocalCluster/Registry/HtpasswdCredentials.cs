namespace Dragonfly.LocalCluster.Registry;

/// <summary>A user name and password for HTTP Basic auth (an htpasswd entry on the registry, <c>--creds</c> on clients).</summary>
public sealed record HtpasswdCredentials(string User, string Password)
{
    /// <summary><c>user:password</c>, the form skopeo's <c>--*-creds</c> and ctr's <c>--user</c> take.</summary>
    public string UserAndPassword => $"{User}:{Password}";
}
