using Dragonfly.IntegrationTests.Registry;
using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.LocalCluster;
using Dragonfly.LocalCluster.Kubernetes;
using Dragonfly.Operator;
using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Runtime.Crds;

namespace Dragonfly.IntegrationTests.Kubernetes.Operator;

/// <summary>
/// A real kube-apiserver (one per test class) with our CRDs installed, a namespace per test, and the operator as a
/// real process watching that namespace. Registry, supernode and peers come from <see cref="MirrorFixture"/>.
/// </summary>
public abstract class OperatorFixture : MirrorFixture
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(90);
    private KubeApiServer _server = null!;
    private string _serverDir = "";

    /// <summary>A user with no rights until a test binds a role to it (to run the operator with the chart's RBAC alone).</summary>
    protected static readonly KubeStaticToken RbacOperatorToken = KubeStaticToken.Create("rbac-operator");

    protected KubernetesClient Kube { get; private set; } = null!;

    /// <summary>A kubeconfig for <see cref="RbacOperatorToken"/>.</summary>
    protected string WriteRbacOperatorKubeconfig(string path) =>
        _server.WriteKubeconfig(path, KubeCredential.FromToken(RbacOperatorToken.User, RbacOperatorToken.Token));

    protected string Namespace { get; private set; } = "";

    protected string Kubeconfig { get; private set; } = "";

    [OneTimeSetUp]
    public async Task StartApiServerAsync()
    {
        _serverDir = Path.Combine(Path.GetTempPath(), "dragonfly-kube-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_serverDir);
        _server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Tokens = [RbacOperatorToken] }, TestTimeout.Token);
        Kubeconfig = _server.WriteKubeconfig(Path.Combine(_serverDir, "kubeconfig"));
        Kube = new KubernetesClient(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));
        await CrdInstaller.InstallAsync(Kube, CrdCommand.EntityTypes, "dragonfly-tests", TimeProvider.System, TestTimeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopApiServerAsync()
    {
        Kube?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (Directory.Exists(_serverDir))
        {
            Directory.Delete(_serverDir, recursive: true);
        }
    }

    [SetUp]
    public async Task CreateNamespaceAsync()
    {
        Namespace = "t-" + Guid.NewGuid().ToString("N")[..8];
        await Kube.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, TestTimeout.Token);
    }

    /// <summary>Starts the operator process watching this test's namespace (leader election off unless <paramref name="extraArgs"/> turn it on).</summary>
    protected async Task<ComponentProcess> StartOperatorAsync(string name = "operator", params string[] extraArgs) =>
        Own(await ComponentProcess.StartAsync(name, ComponentBinaries.Operator,
            ["--kubeconfig", Kubeconfig, "--watchNamespace", Namespace, "--healthListenIp", "127.0.0.1", "--healthPort", "0",
             "--leaderElection:enabled", "false", "--preheatPollInterval", "00:00:00.200", .. extraArgs],
            WorkDir, TimeSpan.FromSeconds(60), TestTimeout.Token));

    /// <summary>Waits until <paramref name="name"/> no longer exists.</summary>
    protected async Task WaitForGoneAsync<T>(string name, string what) where T : class, IKubernetesObject
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (await Kube.GetAsync<T>(name, Namespace, TestTimeout.Token) is not null)
        {
            if (limit.IsCancellationRequested)
            {
                Assert.Fail($"timed out after {WaitLimit.TotalSeconds} s waiting for {typeof(T).Name} {Namespace}/{name} to disappear: {what}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestTimeout.Token);
        }
    }

    /// <summary>
    /// Sends <paramref name="spec"/> as the raw spec of a new <typeparamref name="T"/> (the typed model could not
    /// hold most invalid values) and asserts the API server refuses it as invalid, naming <paramref name="field"/>.
    /// </summary>
    protected void AssertRefusedByTheApiServer<T, TSpec, TStatus>(string spec, string field)
        where T : KubernetesObject<TSpec, TStatus>, new() where TSpec : new()
    {
        var entity = new T
        {
            Metadata = new V1ObjectMeta { Name = "bad", Namespace = Namespace },
            Spec = default!,
            ExtensionData = new Dictionary<string, System.Text.Json.JsonElement> { ["spec"] = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(spec) },
        };

        var error = Assert.ThrowsAsync<KubernetesException>(() => Kube.CreateAsync(entity, TestTimeout.Token));

        Assert.That(error!.IsInvalid, Is.True, error.Message);
        Assert.That(error.Message, Does.Contain(field));
    }

    protected Task<T> CreateAsync<T>(T entity) where T : KubernetesObject
    {
        entity.Metadata.Namespace ??= Namespace;
        return Kube.CreateAsync(entity.Initialize<T>(), TestTimeout.Token);
    }

    protected static V1Alpha1Supernode Supernode(string name = "sn", Action<V1Alpha1SupernodeSpec>? change = null)
    {
        var supernode = new V1Alpha1Supernode
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new V1Alpha1SupernodeSpec { Image = "dragonfly/supernode:test", Replicas = 1 },
        };
        change?.Invoke(supernode.Spec);
        return supernode;
    }

    /// <summary>
    /// Re-reads <paramref name="name"/> until <paramref name="until"/> holds: the operator's work shows only in the
    /// API server, so the test waits for that state (bounded), and on timeout reports the last state it saw.
    /// </summary>
    protected async Task<T> WaitForAsync<T>(string name, Func<T, bool> until, string what, ComponentProcess? operatorProcess = null)
        where T : class, IKubernetesObject
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        T? last = null;
        while (!limit.IsCancellationRequested)
        {
            last = await Kube.GetAsync<T>(name, Namespace, TestTimeout.Token);
            if (last is not null && until(last))
            {
                return last;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestTimeout.Token);
        }
        var log = operatorProcess is null ? "" : "\noperator log:\n" + string.Join('\n', File.ReadLines(operatorProcess.LogPath).TakeLast(30));
        Assert.Fail($"timed out after {WaitLimit.TotalSeconds} s waiting for {typeof(T).Name} {Namespace}/{name}: {what}; last seen:\n{(last is null ? "absent" : KubernetesJson.Serialize(last))}{log}");
        throw new InvalidOperationException("unreachable");
    }
}
