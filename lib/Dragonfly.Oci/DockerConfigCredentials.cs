using System.Text;
using System.Text.Json;

namespace Dragonfly.Oci;

/// <summary>
/// Registry credentials from a Docker config file (the <c>.dockerconfigjson</c> key of a
/// <c>kubernetes.io/dockerconfigjson</c> Secret): <c>{"auths": {"host": {"auth": base64(user:password)}}}</c>
/// or with <c>username</c>/<c>password</c>. Keys may be bare hosts or URLs; Docker Hub's aliases are one.
/// </summary>
public sealed class DockerConfigCredentials
{
    private readonly Dictionary<string, string> _basicByHost = new(StringComparer.OrdinalIgnoreCase);

    private DockerConfigCredentials()
    {
    }

    public IReadOnlyCollection<string> Hosts => _basicByHost.Keys;

    /// <summary>Parses the file; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static DockerConfigCredentials Parse(string json)
    {
        var credentials = new DockerConfigCredentials();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // ArgumentException: text that is not valid UTF-16 (a lone surrogate) cannot be JSON either.
            throw new FormatException($"the docker config is not JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("auths", out var auths) || auths.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the docker config has no \"auths\" object");
            }
            foreach (var entry in auths.EnumerateObject())
            {
                var basic = BasicOf(entry);
                if (basic is not null)
                {
                    credentials._basicByHost[NormalizeHost(entry.Name)] = basic;
                }
            }
        }
        return credentials;
    }

    /// <summary>The <c>Authorization: Basic ...</c> value for <paramref name="registry"/> (as in an image reference), or null.</summary>
    public string? BasicAuthorizationFor(string registry) =>
        _basicByHost.TryGetValue(NormalizeHost(registry), out var basic) ? "Basic " + basic : null;

    private static string? BasicOf(JsonProperty entry)
    {
        var value = entry.Value;
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"the docker config entry for '{entry.Name}' is not an object");
        }
        if (value.TryGetProperty("auth", out var auth) && Text(auth, entry.Name, "auth") is { Length: > 0 } encoded)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            }
            catch (FormatException e)
            {
                throw new FormatException($"the docker config entry for '{entry.Name}' has an \"auth\" that is not base64", e);
            }
            if (!decoded.Contains(':'))
            {
                throw new FormatException($"the docker config entry for '{entry.Name}' has an \"auth\" that is not base64(user:password)");
            }
            return encoded;
        }
        if (value.TryGetProperty("username", out var user) && value.TryGetProperty("password", out var password))
        {
            return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Text(user, entry.Name, "username")}:{Text(password, entry.Name, "password")}"));
        }
        return null;
    }

    private static string? Text(JsonElement value, string entry, string field) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => throw new FormatException($"the docker config entry for '{entry}' has a \"{field}\" that is not a string"),
    };

    private static string NormalizeHost(string key)
    {
        var host = key;
        if (Core.HttpUrl.TryParse(key, out var uri))
        {
            host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        }
        host = host.TrimEnd('/');
        return host is "index.docker.io" or "registry-1.docker.io" or "docker.io" ? ImageReference.DockerHub : host;
    }
}
