using Dragonfly.Operator.Runtime.Crds;
using Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

public sealed class CrdWriterTests
{
    private static readonly Type[] Entities = [typeof(V1Alpha1Widget), typeof(V1Gadget)];
    private string _directory = string.Empty;

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"crdwriter-{Guid.NewGuid():N}", "crds");
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(Path.GetDirectoryName(_directory)!, recursive: true);

    [Test]
    public void FileNameOf_Entity_GroupUnderscorePlural()
    {
        Assert.That(CrdWriter.FileNameOf(typeof(V1Alpha1Widget)), Is.EqualTo("test.dragonfly.io_widgets.yaml"));
    }

    [Test]
    public async Task WriteAsync_Entities_OneFilePerEntityHoldingItsYaml()
    {
        var written = await CrdWriter.WriteAsync(Entities, _directory, CancellationToken.None);

        Assert.That(written.Select(Path.GetFileName), Is.EquivalentTo(new[] { "test.dragonfly.io_widgets.yaml", "test.dragonfly.io_gadgets.yaml" }));
        Assert.That(await File.ReadAllTextAsync(Path.Combine(_directory, "test.dragonfly.io_gadgets.yaml")),
            Is.EqualTo(CrdGenerator.GenerateYaml(typeof(V1Gadget))));
    }

    [Test]
    public async Task FindDriftAsync_JustWritten_NoProblems()
    {
        await CrdWriter.WriteAsync(Entities, _directory, CancellationToken.None);

        Assert.That(await CrdWriter.FindDriftAsync(Entities, _directory, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task FindDriftAsync_CrlfCheckout_NoProblems()
    {
        await CrdWriter.WriteAsync(Entities, _directory, CancellationToken.None);
        var path = Path.Combine(_directory, "test.dragonfly.io_widgets.yaml");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\r\n"));

        Assert.That(await CrdWriter.FindDriftAsync(Entities, _directory, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task FindDriftAsync_EditedAndMissing_OneProblemEach()
    {
        await CrdWriter.WriteAsync(Entities, _directory, CancellationToken.None);
        await File.AppendAllTextAsync(Path.Combine(_directory, "test.dragonfly.io_widgets.yaml"), "# edited\n");
        File.Delete(Path.Combine(_directory, "test.dragonfly.io_gadgets.yaml"));

        Assert.That(await CrdWriter.FindDriftAsync(Entities, _directory, CancellationToken.None), Is.EqualTo(new[]
        {
            "crds/test.dragonfly.io_gadgets.yaml is missing; run make crds",
            "crds/test.dragonfly.io_widgets.yaml differs from the generated CRD; run make crds",
        }));
    }

    [Test]
    public async Task FindDriftAsync_GeneratedFileOfRemovedEntity_Stale()
    {
        await CrdWriter.WriteAsync(Entities, _directory, CancellationToken.None);

        Assert.That(await CrdWriter.FindDriftAsync([typeof(V1Gadget)], _directory, CancellationToken.None), Is.EqualTo(new[]
        {
            "crds/test.dragonfly.io_widgets.yaml is a generated CRD of no current entity type; run make crds",
        }));
    }

    [Test]
    public async Task WriteAsync_GeneratedFileOfRemovedEntity_DeletedOtherFilesKept()
    {
        await CrdWriter.WriteAsync(Entities, _directory, CancellationToken.None);
        var handWritten = Path.Combine(_directory, "kustomization.yaml");
        await File.WriteAllTextAsync(handWritten, "resources: []\n");

        await CrdWriter.WriteAsync([typeof(V1Gadget)], _directory, CancellationToken.None);

        Assert.That(Directory.EnumerateFiles(_directory).Select(Path.GetFileName),
            Is.EquivalentTo(new[] { "test.dragonfly.io_gadgets.yaml", "kustomization.yaml" }));
    }
}
