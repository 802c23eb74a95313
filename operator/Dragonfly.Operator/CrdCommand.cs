using Dragonfly.Operator.Entities;
using Dragonfly.Operator.Runtime.Crds;

namespace Dragonfly.Operator;

/// <summary>
/// <c>operator crds DIR</c> writes the CustomResourceDefinitions generated from the entity types into DIR (what
/// <c>make crds</c> runs); <c>operator crds --check DIR</c> lists files that differ from the types and fails.
/// </summary>
public static class CrdCommand
{
    /// <summary>Every custom resource type of the operator.</summary>
    public static IReadOnlyList<Type> EntityTypes { get; } = [typeof(V1Alpha1Supernode), typeof(V1Alpha1PreheatTask)];

    public static int Run(string[] args)
    {
        var check = args.Contains("--check");
        var directory = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (directory is null)
        {
            Console.Error.WriteLine("usage: operator crds [--check] DIR");
            return 2;
        }
        if (check)
        {
            var drift = CrdWriter.FindDriftAsync(EntityTypes, directory, CancellationToken.None).GetAwaiter().GetResult();
            foreach (var problem in drift)
            {
                Console.Error.WriteLine(problem);
            }
            return drift.Count == 0 ? 0 : 1;
        }
        var written = CrdWriter.WriteAsync(EntityTypes, directory, CancellationToken.None).GetAwaiter().GetResult();
        foreach (var file in written)
        {
            Console.WriteLine($"wrote {file}");
        }
        return 0;
    }
}
