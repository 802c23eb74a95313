namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>One line of kube-apiserver's <c>--token-auth-file</c>: a bearer token and the user it stands for.</summary>
public sealed record KubeStaticToken(string Token, string User, string Uid, IReadOnlyList<string> Groups)
{
    /// <summary>A fresh random token for <paramref name="user"/>, its uid derived from the name.</summary>
    public static KubeStaticToken Create(string user, params string[] groups) =>
        new(Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)), user, user + "-uid", groups);

    /// <summary><c>token,user,uid[,"group1,group2"]</c></summary>
    internal string ToCsvLine()
    {
        foreach (var field in new[] { Token, User, Uid }.Concat(Groups))
        {
            if (field.Length == 0 || field.IndexOfAny([',', '"', '\n', '\r']) >= 0)
            {
                throw new ArgumentException($"token file fields must be non-empty and free of commas, quotes and newlines: '{field}'");
            }
        }
        var line = $"{Token},{User},{Uid}";
        return Groups.Count == 0 ? line : $"{line},\"{string.Join(',', Groups)}\"";
    }
}
