using System.Reflection;
using Dragonfly.Operator.Runtime.Crds;

namespace Dragonfly.Operator.Tests;

/// <summary>crds/ is what the chart installs; it must be exactly what the C# entity types generate.</summary>
public sealed class CrdDriftTests
{
    private static readonly string RepoRoot = typeof(CrdDriftTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    [Test]
    public async Task CrdsDirectory_MatchesTheEntityTypes()
    {
        var drift = await CrdWriter.FindDriftAsync(CrdCommand.EntityTypes, Path.Combine(RepoRoot, "crds"), CancellationToken.None);

        Assert.That(drift, Is.Empty, "crds/ is out of date; run `make crds` and commit the result");
    }

    [Test]
    public async Task FindDrift_EditedFile_IsReported()
    {
        var directory = Directory.CreateTempSubdirectory("crds-").FullName;
        try
        {
            await CrdWriter.WriteAsync(CrdCommand.EntityTypes, directory, CancellationToken.None);
            var file = Directory.GetFiles(directory, "*supernodes.yaml").Single();
            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("minimum: 1", "minimum: 0"));

            var drift = await CrdWriter.FindDriftAsync(CrdCommand.EntityTypes, directory, CancellationToken.None);

            Assert.That(drift, Has.Count.EqualTo(1).And.Some.Contains("supernodes.yaml differs").And.Some.Contains("make crds"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
