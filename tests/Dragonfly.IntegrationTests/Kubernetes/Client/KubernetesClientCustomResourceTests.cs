using Dragonfly.Kubernetes;
using Dragonfly.Kubernetes.Models;
using Dragonfly.Operator.Runtime.Crds;

namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>
/// A custom resource whose CRD <see cref="CrdInstaller"/> generated and installed: the status subresource keeps spec
/// and status writes apart, and the server enforces the generated schema.
/// </summary>
public sealed class KubernetesClientCustomResourceTests : KubeNamespaceFixture
{
    protected override KubeTestCluster Cluster => ClientTestsSetUp.Cluster;


    [OneTimeSetUp]
    public async Task InstallCrdAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await CrdInstaller.InstallAsync(Client, [typeof(V1Alpha1Sprocket)], "dragonfly-tests", TimeProvider.System, timeout.Token);
    }

    [Test]
    public async Task CreateAsync_WithStatus_StatusIsDropped()
    {
        var sprocket = Sprocket("s1", teeth: 12);
        sprocket.Status = new SprocketStatus { Phase = "Forged" };

        var created = await Client.CreateAsync(sprocket, Token);

        Assert.That(created.Spec.Teeth, Is.EqualTo(12));
        Assert.That(created.Status, Is.Null, "with a status subresource the main resource ignores status");
    }

    [Test]
    public async Task UpdateStatusAsync_ChangedSpecToo_OnlyStatusChanges()
    {
        var created = await Client.CreateAsync(Sprocket("s1", teeth: 12), Token);
        created.Status = new SprocketStatus { Phase = "Ready", ObservedTeeth = 12 };
        created.Spec.Teeth = 99;

        var written = await Client.UpdateStatusAsync(created, Token);

        var read = (await Client.GetAsync<V1Alpha1Sprocket>("s1", TestNamespace, Token))!;
        Assert.Multiple(() =>
        {
            Assert.That(written.Status?.Phase, Is.EqualTo("Ready"));
            Assert.That(read.Status?.Phase, Is.EqualTo("Ready"));
            Assert.That(read.Status?.ObservedTeeth, Is.EqualTo(12));
            Assert.That(read.Spec.Teeth, Is.EqualTo(12), "the status subresource ignores spec");
            Assert.That(read.Metadata.Generation, Is.EqualTo(1), "a status write is not a new generation");
        });
    }

    [Test]
    public async Task UpdateAsync_ChangedStatusToo_OnlySpecChanges()
    {
        var created = await Client.CreateAsync(Sprocket("s1", teeth: 12), Token);
        created.Status = new SprocketStatus { Phase = "Ready" };
        var withStatus = await Client.UpdateStatusAsync(created, Token);
        withStatus.Spec.Teeth = 20;
        withStatus.Status = new SprocketStatus { Phase = "Broken" };

        await Client.UpdateAsync(withStatus, Token);

        var read = (await Client.GetAsync<V1Alpha1Sprocket>("s1", TestNamespace, Token))!;
        Assert.Multiple(() =>
        {
            Assert.That(read.Spec.Teeth, Is.EqualTo(20));
            Assert.That(read.Status?.Phase, Is.EqualTo("Ready"), "the main resource ignores status");
            Assert.That(read.Metadata.Generation, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task PatchStatusAsync_MergePatch_ChangesOnlyTheNamedStatusField()
    {
        var created = await Client.CreateAsync(Sprocket("s1", teeth: 12), Token);
        created.Status = new SprocketStatus { Phase = "Ready", ObservedTeeth = 12 };
        await Client.UpdateStatusAsync(created, Token);

        var patched = await Client.PatchStatusAsync<V1Alpha1Sprocket>("s1", TestNamespace, new { status = new { phase = "Worn" } }, Token);

        Assert.That(patched.Status?.Phase, Is.EqualTo("Worn"));
        Assert.That(patched.Status?.ObservedTeeth, Is.EqualTo(12));
    }

    [Test]
    public void CreateAsync_BelowTheMinimum_IsInvalidNamingTheField()
    {
        var error = Assert.ThrowsAsync<KubernetesException>(() => Client.CreateAsync(Sprocket("s1", teeth: 0), Token));

        Assert.Multiple(() =>
        {
            Assert.That(error!.IsInvalid, Is.True, error.Message);
            Assert.That(error.Message, Does.Contain("spec.teeth").And.Contain("greater than or equal to 1"));
        });
    }

    [Test]
    public async Task PatchAsync_ValueOutsideTheEnum_IsInvalidNamingTheField()
    {
        await Client.CreateAsync(Sprocket("s1", teeth: 12), Token);

        var error = Assert.ThrowsAsync<KubernetesException>(() =>
            Client.PatchAsync<V1Alpha1Sprocket>("s1", TestNamespace, new { spec = new { finish = "Sparkly" } }, Token));

        Assert.Multiple(() =>
        {
            Assert.That(error!.IsInvalid, Is.True, error.Message);
            Assert.That(error.Message, Does.Contain("spec.finish").And.Contain("Sparkly").And.Contain("Gloss"));
        });
        Assert.That((await Client.GetAsync<V1Alpha1Sprocket>("s1", TestNamespace, Token))!.Spec.Finish, Is.EqualTo(SprocketFinish.Matte));
    }

    private V1Alpha1Sprocket Sprocket(string name, int teeth) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Namespace = TestNamespace },
        Spec = new SprocketSpec { Teeth = teeth },
    };
}
