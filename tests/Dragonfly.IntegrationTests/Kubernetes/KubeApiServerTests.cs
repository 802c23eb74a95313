using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Dragonfly.LocalCluster.Kubernetes;

namespace Dragonfly.IntegrationTests.Kubernetes;

/// <summary>
/// The operator tests' apiserver: a real kube-apiserver v1.20.2 with its own etcd on loopback, reached with the
/// admin token, the admin client certificate (through a written kubeconfig) and an unprivileged token.
/// </summary>
public sealed class KubeApiServerTests
{
    private KubeApiServer _server = null!;
    private string _workDir = "";

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _workDir = Path.Combine(Path.GetTempPath(), "dragonfly-kube-test-" + Guid.NewGuid().ToString("N")[..8]);
        _server = await KubeApiServer.StartAsync(null, Timeout);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (Directory.Exists(_workDir))
        {
            Directory.Delete(_workDir, recursive: true);
        }
    }

    [Test]
    public async Task Version_ReportsTheBuiltRelease()
    {
        using var http = _server.CreateHttpClient();

        using var version = JsonDocument.Parse(await http.GetStringAsync("/version", Timeout));

        Assert.Multiple(() =>
        {
            Assert.That(version.RootElement.GetProperty("gitVersion").GetString(), Is.EqualTo("v1.20.2"));
            Assert.That(version.RootElement.GetProperty("minor").GetString(), Is.EqualTo("20"));
        });
    }

    [Test]
    public async Task ListNamespaces_AdminToken_ReturnsNamespaceList()
    {
        using var http = _server.CreateHttpClient(_server.Admin);

        using var response = await http.GetAsync("/api/v1/namespaces", Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var list = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Timeout));
        Assert.That(list.RootElement.GetProperty("kind").GetString(), Is.EqualTo("NamespaceList"));
    }

    [Test]
    public async Task ListNamespaces_LimitedToken_Forbidden()
    {
        using var http = _server.CreateHttpClient(_server.Limited);

        using var response = await http.GetAsync("/api/v1/namespaces", Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Timeout));
        Assert.That(status.RootElement.GetProperty("message").GetString(), Does.Contain("\"limited\""), "RBAC denied the token's user by name");
    }

    [Test]
    public async Task ListNamespaces_ClientCertificateKubeconfig_ReturnsNamespaceList()
    {
        var path = _server.WriteKubeconfig(Path.Combine(_workDir, "admin-cert.kubeconfig"), _server.AdminCertificate);
        using var kubeconfig = JsonDocument.Parse(await File.ReadAllTextAsync(path, Timeout));
        var cluster = kubeconfig.RootElement.GetProperty("clusters")[0].GetProperty("cluster");
        var user = kubeconfig.RootElement.GetProperty("users")[0].GetProperty("user");
        Assert.That(user.TryGetProperty("token", out _), Is.False, "the certificate kubeconfig carries no token");
        var credential = KubeCredential.FromClientCertificate("from-kubeconfig", Decode(user, "client-certificate-data"), Decode(user, "client-key-data"));
        using var http = KubeHttpClient.Create(new Uri(cluster.GetProperty("server").GetString()!), Decode(cluster, "certificate-authority-data"), credential);

        using var response = await http.GetAsync("/api/v1/namespaces", Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "CN=admin, O=system:masters from the client CA is the cluster admin");
    }

    [Test]
    public async Task ListNamespaces_AdminCertificateFromUnknownCa_Unauthorized()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=admin, O=system:masters", key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        using var http = _server.CreateHttpClient(KubeCredential.FromClientCertificate("forged", selfSigned.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem()));

        using var response = await http.GetAsync("/api/v1/namespaces", Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "only certificates issued by the client CA authenticate");
    }

    /// <summary>
    /// Go 1.19 with the vendored reflect2 v1.0.1 made the apiserver die (SIGSEGV) on the first custom resource;
    /// build.sh swaps in reflect2 v1.0.2. This is what the operator's tests do first.
    /// </summary>
    [Test]
    public async Task CreateCustomResource_CrdEstablished_CreatedAndServerKeepsRunning()
    {
        using var http = _server.CreateHttpClient();
        const string crd = """
            {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
             "metadata": {"name": "widgets.test.dragonfly.io"},
             "spec": {"group": "test.dragonfly.io", "scope": "Namespaced",
                      "names": {"kind": "Widget", "listKind": "WidgetList", "plural": "widgets", "singular": "widget"},
                      "versions": [{"name": "v1alpha1", "served": true, "storage": true,
                                    "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                      "spec": {"type": "object", "properties": {"labels": {"type": "object", "additionalProperties": {"type": "string"}}}}}}}}]}}
            """;
        using (var created = await http.PostAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", Json(crd), Timeout))
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync(Timeout));
        }
        await WaitUntilEstablishedAsync(http, "widgets.test.dragonfly.io");

        const string widget = """{"apiVersion": "test.dragonfly.io/v1alpha1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"labels": {"a": "1", "b": "2"}}}""";
        using var response = await http.PostAsync("/apis/test.dragonfly.io/v1alpha1/namespaces/default/widgets", Json(widget), Timeout);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), _server.IsRunning ? await response.Content.ReadAsStringAsync(Timeout) : _server.LogTail());
        using var list = JsonDocument.Parse(await http.GetStringAsync("/apis/test.dragonfly.io/v1alpha1/namespaces/default/widgets", Timeout));
        Assert.That(list.RootElement.GetProperty("items")[0].GetProperty("spec").GetProperty("labels").GetProperty("b").GetString(), Is.EqualTo("2"));
    }

    private static async Task WaitUntilEstablishedAsync(HttpClient http, string crdName)
    {
        var timeout = Timeout;
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            using var crd = JsonDocument.Parse(await http.GetStringAsync("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + crdName, timeout));
            if (crd.RootElement.TryGetProperty("status", out var status) && status.TryGetProperty("conditions", out var conditions)
                && conditions.ValueKind == JsonValueKind.Array // null until the server has filled the status in
                && conditions.EnumerateArray().Any(c => c.GetProperty("type").GetString() == "Established" && c.GetProperty("status").GetString() == "True"))
            {
                return;
            }
        }
        while (await poll.WaitForNextTickAsync(timeout));
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Decode(JsonElement element, string property) =>
        Encoding.ASCII.GetString(Convert.FromBase64String(element.GetProperty(property).GetString()!));
}
