using System.Text;
using System.Text.Json;

namespace Dragonfly.LocalCluster.Kubernetes;

/// <summary>
/// Writes a kubeconfig with one cluster, one user and one context, every secret inline (<c>*-data</c>, base64).
/// It is written as JSON, which every kubeconfig reader accepts (YAML 1.2 is a superset) and tests can read
/// back without a YAML parser.
/// </summary>
public static class KubeconfigFile
{
    public const string ClusterName = "dragonfly-test";

    public static string Write(string path, Uri server, string caPem, KubeCredential credential)
    {
        var contextName = $"{credential.UserName}@{ClusterName}";
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("apiVersion", "v1");
            json.WriteString("kind", "Config");
            json.WriteStartArray("clusters");
            json.WriteStartObject();
            json.WriteString("name", ClusterName);
            json.WriteStartObject("cluster");
            json.WriteString("server", server.GetLeftPart(UriPartial.Authority));
            json.WriteString("certificate-authority-data", Base64(caPem));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("users");
            json.WriteStartObject();
            json.WriteString("name", credential.UserName);
            json.WriteStartObject("user");
            if (credential.Token is { } token)
            {
                json.WriteString("token", token);
            }
            if (credential.ClientCertificatePem is { } certificate)
            {
                json.WriteString("client-certificate-data", Base64(certificate));
                json.WriteString("client-key-data", Base64(credential.ClientKeyPem!));
            }
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartArray("contexts");
            json.WriteStartObject();
            json.WriteString("name", contextName);
            json.WriteStartObject("context");
            json.WriteString("cluster", ClusterName);
            json.WriteString("user", credential.UserName);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteString("current-context", contextName);
            json.WriteStartObject("preferences");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        PrivateFile.Write(path, [.. stream.ToArray(), (byte)'\n']);
        return path;
    }

    private static string Base64(string pem) => Convert.ToBase64String(Encoding.ASCII.GetBytes(pem));
}
