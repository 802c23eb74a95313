using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>CRUD, patches, errors and discovery of <see cref="KubernetesClient"/> against a real kube-apiserver 1.20.</summary>
public sealed class KubernetesClientTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => ClientTestsSetUp.Cluster;


    [Test]
    public async Task CreateAsync_ThenGetAsync_ReturnsTheStoredObject()
    {
        var created = await Client.CreateAsync(ConfigMap("settings", ("a", "1")), Token);

        var read = await Client.GetAsync<V1ConfigMap>("settings", TestNamespace, Token);

        Assert.That(read, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(created.Metadata.Uid, Is.Not.Null.And.Not.Empty);
            Assert.That(read!.Metadata.Uid, Is.EqualTo(created.Metadata.Uid));
            Assert.That(read.Metadata.ResourceVersion, Is.EqualTo(created.Metadata.ResourceVersion));
            Assert.That(read.Data, Is.EqualTo(new Dictionary<string, string> { ["a"] = "1" }));
            Assert.That(read.Kind, Is.EqualTo("ConfigMap"));
        });
    }

    [Test]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.That(await Client.GetAsync<V1ConfigMap>("absent", TestNamespace, Token), Is.Null);
    }

    [Test]
    public async Task CreateAsync_Duplicate_IsAlreadyExists()
    {
        await Client.CreateAsync(ConfigMap("settings"), Token);

        var error = Assert.ThrowsAsync<KubernetesException>(() => Client.CreateAsync(ConfigMap("settings"), Token));

        Assert.Multiple(() =>
        {
            Assert.That(error!.IsAlreadyExists, Is.True, error.Message);
            Assert.That(error.IsConflict, Is.False, "an existing name is not a stale resourceVersion");
            Assert.That(error.Message, Does.Contain("already exists"));
        });
    }

    [Test]
    public async Task UpdateAsync_CurrentVersion_ReplacesData()
    {
        var created = await Client.CreateAsync(ConfigMap("settings", ("a", "1")), Token);
        created.Data = new Dictionary<string, string> { ["b"] = "2" };

        var updated = await Client.UpdateAsync(created, Token);

        Assert.That(updated.Data, Is.EqualTo(new Dictionary<string, string> { ["b"] = "2" }));
        Assert.That(updated.Metadata.ResourceVersion, Is.Not.EqualTo(created.Metadata.ResourceVersion));
    }

    [Test]
    public async Task UpdateAsync_StaleResourceVersion_IsConflict()
    {
        var stale = await Client.CreateAsync(ConfigMap("settings", ("a", "1")), Token);
        var current = (await Client.GetAsync<V1ConfigMap>("settings", TestNamespace, Token))!;
        current.Data!["a"] = "2";
        await Client.UpdateAsync(current, Token);
        stale.Data!["a"] = "3";

        var error = Assert.ThrowsAsync<KubernetesException>(() => Client.UpdateAsync(stale, Token));

        Assert.That(error!.IsConflict, Is.True, error.Message);
        Assert.That(error.IsAlreadyExists, Is.False);
        Assert.That((await Client.GetAsync<V1ConfigMap>("settings", TestNamespace, Token))!.Data!["a"], Is.EqualTo("2"), "the stale write changed nothing");
    }

    [Test]
    public async Task DeleteAsync_Existing_TrueThenFalse()
    {
        await Client.CreateAsync(ConfigMap("settings"), Token);

        Assert.That(await Client.DeleteAsync<V1ConfigMap>("settings", TestNamespace, Token), Is.True);
        Assert.That(await Client.DeleteAsync<V1ConfigMap>("settings", TestNamespace, Token), Is.False);
        Assert.That(await Client.GetAsync<V1ConfigMap>("settings", TestNamespace, Token), Is.Null);
    }

    [Test]
    public async Task ListAsync_LabelSelector_OnlyMatchingObjects()
    {
        var labelled = ConfigMap("labelled");
        labelled.Metadata.Labels = new Dictionary<string, string> { ["app"] = "dragonfly" };
        await Client.CreateAsync(labelled, Token);
        await Client.CreateAsync(ConfigMap("other"), Token);

        var all = await Client.ListWithMetadataAsync<V1ConfigMap>(TestNamespace, cancellationToken: Token);
        var matching = await Client.ListAsync<V1ConfigMap>(TestNamespace, "app=dragonfly", Token);

        Assert.That(all.Items.Select(c => c.Metadata.Name), Is.SupersetOf(new[] { "labelled", "other" }));
        Assert.That(all.Metadata.ResourceVersion, Is.Not.Null.And.Not.Empty);
        Assert.That(matching.Select(c => c.Metadata.Name), Is.EqualTo(new[] { "labelled" }));
    }

    [Test]
    public async Task PatchAsync_MergePatch_SetsAKeyAndNullDeletesOne()
    {
        await Client.CreateAsync(ConfigMap("settings", ("keep", "1"), ("drop", "2")), Token);

        var patched = await Client.PatchAsync<V1ConfigMap>("settings", TestNamespace,
            new { data = new Dictionary<string, string?> { ["added"] = "3", ["drop"] = null } }, Token);

        Assert.That(patched.Data, Is.EqualTo(new Dictionary<string, string> { ["keep"] = "1", ["added"] = "3" }));
    }

    [Test]
    public async Task ApplyAsync_Absent_CreatesTheObject()
    {
        var applied = await Client.ApplyAsync(ConfigMap("settings", ("a", "1")), "tests-a", cancellationToken: Token);

        Assert.That(applied.Metadata.Uid, Is.Not.Null);
        Assert.That((await Client.GetAsync<V1ConfigMap>("settings", TestNamespace, Token))!.Data, Is.EqualTo(new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Test]
    public async Task ApplyAsync_SameManagerOmitsAKey_KeyRemovedOtherManagersKeyKept()
    {
        await Client.ApplyAsync(ConfigMap("settings", ("a", "1"), ("b", "2")), "tests-a", cancellationToken: Token);
        await Client.ApplyAsync(ConfigMap("settings", ("c", "3")), "tests-c", cancellationToken: Token);

        var applied = await Client.ApplyAsync(ConfigMap("settings", ("a", "10")), "tests-a", cancellationToken: Token);

        Assert.That(applied.Data, Is.EqualTo(new Dictionary<string, string> { ["a"] = "10", ["c"] = "3" }),
            "b is dropped because its manager stopped applying it; c belongs to another manager");
    }

    [Test]
    public void ListAsync_LimitedToken_IsForbiddenWithTheServersReason()
    {
        using var limited = new KubernetesClient(Cluster.ConfigurationFor(Cluster.Server.Limited));

        var error = Assert.ThrowsAsync<KubernetesException>(() => limited.ListAsync<V1Namespace>(cancellationToken: Token));

        Assert.Multiple(() =>
        {
            Assert.That(error!.IsForbidden, Is.True, error.Message);
            Assert.That(error.Message, Does.Contain("\"limited\"").And.Contain("cannot list resource \"namespaces\""));
            Assert.That(error.Status?.Reason, Is.EqualTo("Forbidden"));
        });
    }

    [Test]
    public async Task ServesAsync_OnKubernetes120_PolicyV1beta1ButNotV1()
    {
        Assert.That(await Client.ServesAsync<V1PodDisruptionBudget>(Token), Is.False, "policy/v1 PodDisruptionBudget arrived in 1.21");
        Assert.That(await Client.ServesAsync<V1Beta1PodDisruptionBudget>(Token), Is.True);
        Assert.That(await Client.ServesAsync<V1ConfigMap>(Token), Is.True);
    }

    [Test]
    public async Task GetRawAsync_Version_ReportsTheServersRelease()
    {
        var version = await Client.GetRawAsync<Dictionary<string, string>>("/version", Token);

        Assert.That(version["gitVersion"], Is.EqualTo("v1.20.2"));
    }

    private V1ConfigMap ConfigMap(string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Namespace = TestNamespace },
        Data = data.Length == 0 ? null : data.ToDictionary(d => d.Key, d => d.Value),
    };
}
