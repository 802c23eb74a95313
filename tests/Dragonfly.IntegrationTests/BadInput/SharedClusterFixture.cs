using Dragonfly.LocalCluster;

namespace Dragonfly.IntegrationTests.BadInput;

/// <summary>
/// One supernode and one peer as real processes, started once for a whole fixture (bad-input cases are many and
/// each is a single request), with one task both of them hold, and a secret file beside their data directories
/// that no answer may ever contain. After every case both processes must still be running.
/// </summary>
public abstract class SharedClusterFixture
{
    /// <summary>Written outside every data directory; its bytes must never come back from any endpoint.</summary>
    protected const string SecretText = "dragonfly-bad-input-secret-7f3c9a";

    protected const long HeldLength = 6L * 1024 * 1024;

    private bool _anyFailed;

    protected string WorkDir { get; private set; } = "";

    protected LocalCluster.LocalCluster Cluster { get; private set; } = null!;

    protected PeerHandle Peer => Cluster.Peers[0];

    protected ComponentProcess Supernode => Cluster.Supernode!;

    /// <summary>The task id of the content both the peer and the supernode hold completely.</summary>
    protected string HeldTaskId { get; private set; } = "";

    protected string SecretPath => Path.Combine(WorkDir, "secret.txt");

    protected string PeerDataDir => Path.Combine(WorkDir, "peer1-data");

    protected string SupernodeDataDir => Path.Combine(WorkDir, "supernode-data");

    protected static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [OneTimeSetUp]
    public async Task StartClusterAsync()
    {
        WorkDir = Path.Combine(Path.GetTempPath(), "dragonfly-bad-" + Guid.NewGuid().ToString("N")[..8]);
        var origin = Path.Combine(WorkDir, "origin");
        Directory.CreateDirectory(origin);
        await File.WriteAllTextAsync(SecretPath, SecretText);
        TestFiles.WriteRandom(Path.Combine(origin, "held.bin"), HeldLength);
        var peerArgs = await StartDependenciesAsync();
        Cluster = await LocalCluster.LocalCluster.StartAsync(new LocalClusterOptions { WorkDir = WorkDir, OriginRoot = origin, Peers = 1, PeerArgs = peerArgs }, Timeout);
        var result = await Cluster.DfgetAsync(Peer, Cluster.Origin.UrlOf("held.bin"), Path.Combine(WorkDir, "held.out"), cancellationToken: Timeout);
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        HeldTaskId = result.Summary!.TaskId;
    }

    /// <summary>Starts what the cluster depends on (a scripted registry, say); returns extra peer daemon arguments.</summary>
    protected virtual Task<IReadOnlyList<string>> StartDependenciesAsync() => Task.FromResult<IReadOnlyList<string>>([]);

    protected virtual ValueTask StopDependenciesAsync() => ValueTask.CompletedTask;

    [TearDown]
    public void BothProcessesStillRun()
    {
        _anyFailed |= TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed;
        Assert.Multiple(() =>
        {
            Assert.That(Supernode.HasExited, Is.False, "the supernode died");
            Assert.That(Peer.Process.HasExited, Is.False, "the peer daemon died");
        });
    }

    [OneTimeTearDown]
    public async Task StopClusterAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
        await StopDependenciesAsync();
        if (_anyFailed)
        {
            TestContext.Out.WriteLine($"logs kept in {WorkDir}");
        }
        else if (Directory.Exists(WorkDir))
        {
            Directory.Delete(WorkDir, recursive: true);
        }
    }
}
