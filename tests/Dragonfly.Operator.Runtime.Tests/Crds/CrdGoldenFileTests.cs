using Dragonfly.Operator.Runtime.Crds;
using Dragonfly.Operator.Runtime.Tests.Crds.TestEntities;

namespace Dragonfly.Operator.Runtime.Tests.Crds;

/// <summary>
/// Pins the exact text the generator writes for the test entities, so output that changes between runs, machines
/// or versions fails here first. After an intended change to the generator, rewrite Crds/Expected with
/// <see cref="CrdWriter.WriteAsync"/> for these types and review the diff.
/// </summary>
public sealed class CrdGoldenFileTests
{
    [Test]
    public async Task FindDriftAsync_TestEntitiesAgainstExpectedFiles_NoDrift()
    {
        var expected = Path.Combine(TestContext.CurrentContext.TestDirectory, "Crds", "Expected");

        var problems = await CrdWriter.FindDriftAsync([typeof(V1Alpha1Widget), typeof(V1Gadget)], expected, CancellationToken.None);

        Assert.That(problems, Is.Empty);
    }
}
