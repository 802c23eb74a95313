using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests;

/// <summary>A work directory per test and a cluster started in it; everything is stopped and removed afterwards.</summary>
public abstract class ClusterFixture
{
    protected string WorkDir { get; private set; } = "";

    protected string OriginRoot => Path.Combine(WorkDir, "origin");

    private readonly List<IAsyncDisposable> _owned = [];

    [SetUp]
    public void CreateWorkDir()
    {
        WorkDir = Path.Combine(Path.GetTempPath(), "dragonfly-it-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(OriginRoot);
    }

    [TearDown]
    public async Task StopAllAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        _owned.Clear();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Passed)
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        else
        {
            TestContext.Out.WriteLine($"logs kept in {WorkDir}");
        }
    }

    protected T Own<T>(T disposable) where T : IAsyncDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    protected async Task<LocalCluster.LocalCluster> StartClusterAsync(int peers, IReadOnlyList<string>? peerArgs = null, IReadOnlyList<string>? supernodeArgs = null,
        long originRateLimit = 0, bool startSupernode = true, string? supernodeAddress = null, int supernodes = 1,
        System.Security.Cryptography.X509Certificates.X509Certificate2? originCertificate = null,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? peerArgsByIndex = null) =>
        Own(await LocalCluster.LocalCluster.StartAsync(new LocalClusterOptions
        {
            WorkDir = WorkDir,
            OriginRoot = OriginRoot,
            Peers = peers,
            PeerArgs = peerArgs ?? [],
            PeerArgsByIndex = peerArgsByIndex ?? new Dictionary<int, IReadOnlyList<string>>(),
            SupernodeArgs = supernodeArgs ?? [],
            OriginRateLimit = originRateLimit,
            StartSupernode = startSupernode,
            Supernodes = supernodes,
            OriginCertificate = originCertificate,
            SupernodeAddress = supernodeAddress,
        }, TestTimeout.Token));

    protected string Output(string name) => Path.Combine(WorkDir, name);

    /// <summary>Bounds every wait in a test; a hang fails instead of blocking CI.</summary>
    protected static class TestTimeout
    {
        public static CancellationToken Token => new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token;
    }
}
