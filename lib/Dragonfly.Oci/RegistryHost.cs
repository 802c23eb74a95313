using System.Diagnostics.CodeAnalysis;

namespace Dragonfly.Oci;

/// <summary>
/// A registry's name as image references and containerd's <c>ns=</c> write it: <c>host</c> or <c>host:port</c>,
/// nothing else (no path, credentials or query), so it can be put into a URL without changing where it points.
/// </summary>
public static class RegistryHost
{
    public static bool IsValid([NotNullWhen(true)] string? text)
    {
        // Letters, digits, '.', '-', and ':' and brackets for a port or an IPv6 address: Uri alone also takes IPv6 zone
        // ids ("[::1%eth0]"), whose text may hold anything, even a line break (found by the fuzz run).
        if (string.IsNullOrEmpty(text) || text.Length > 255 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']'))
        {
            return false;
        }
        return Uri.TryCreate("https://" + text + "/", UriKind.Absolute, out var uri)
            && uri.AbsolutePath == "/" && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && uri.UserInfo.Length == 0
            && Uri.CheckHostName(uri.Host) != UriHostNameType.Unknown;
    }
}
