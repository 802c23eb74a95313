using System.Text;
using System.Text.Json;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>Writes the config.yml of a distribution 2.8 registry. Every string is a JSON string, which YAML reads as a double-quoted scalar.</summary>
internal static class RegistryConfigFile
{
    public static string Render(DockerRegistryOptions options, string address, string storageRoot, string? htpasswdPath)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: info");
        yaml.AppendLine("  formatter: json");
        yaml.AppendLine("  accesslog:");
        yaml.AppendLine("    disabled: false");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: {Quote(storageRoot)}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine($"    enabled: {(options.DeleteEnabled ? "true" : "false")}");
        yaml.AppendLine("http:");
        yaml.AppendLine($"  addr: {Quote(address)}");
        // A fixed secret only silences the "No HTTP secret provided" warning; uploads never span instances here.
        yaml.AppendLine($"  secret: {Quote(Guid.NewGuid().ToString("N"))}");
        if (htpasswdPath is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine("    realm: \"dragonfly-test-registry\"");
            yaml.AppendLine($"    path: {Quote(htpasswdPath)}");
        }
        else if (options.Token is { } token)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  token:");
            yaml.AppendLine($"    realm: {Quote(token.Realm)}");
            yaml.AppendLine($"    service: {Quote(token.Service)}");
            yaml.AppendLine($"    issuer: {Quote(token.Issuer)}");
            yaml.AppendLine($"    rootcertbundle: {Quote(token.RootCertBundlePath)}");
        }
        return yaml.ToString();
    }

    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
