using System.Reflection;

namespace Dragonfly.LocalCluster;

/// <summary>Where the built supernode, peer daemon and dfget are (the same configuration as this assembly).</summary>
public static class ComponentBinaries
{
    public static readonly string RepoRoot = Metadata("RepoRoot");
    private static readonly string Configuration = Metadata("Configuration");

    public static string Supernode => Path("supernode/Dragonfly.Supernode", "Dragonfly.Supernode.dll");

    public static string PeerDaemon => Path("peer-daemon/Dragonfly.PeerDaemon", "Dragonfly.PeerDaemon.dll");

    public static string Operator => Path("operator/Dragonfly.Operator", "Dragonfly.Operator.dll");

    public static string Dfget => Path("peer-daemon/Dragonfly.Dfget", "dfget.dll");

    private static string Path(string project, string dll)
    {
        var path = System.IO.Path.Combine(RepoRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{dll} is not built at {path}; run `dotnet build Dragonfly.sln -c {Configuration}`");
    }

    private static string Metadata(string key) =>
        typeof(ComponentBinaries).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
