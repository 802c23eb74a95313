using System.Reflection;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>Where the grpc-js peers live, and the check that they can run.</summary>
public static class NodeInterop
{
    public const string MissingDependenciesMessage =
        "npm dependencies missing: run `make test` (it runs npm ci in tests/Dragonfly.Grpc.Tests/interop)";

    /// <summary>tests/Dragonfly.Grpc.Tests/interop in the source tree (recorded at build time).</summary>
    public static string Directory { get; } = typeof(NodeInterop).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "InteropDirectory")
        .Value!;

    /// <summary>Fails the test (never skips it) when node or the npm packages are missing.</summary>
    public static void EnsureInstalled()
    {
        var grpcJs = Path.Combine(Directory, "node_modules", "@grpc", "grpc-js", "package.json");
        var protoLoader = Path.Combine(Directory, "node_modules", "@grpc", "proto-loader", "package.json");
        if (!File.Exists(grpcJs) || !File.Exists(protoLoader))
        {
            Assert.Fail(MissingDependenciesMessage);
        }

        if (FindNode() is null)
        {
            Assert.Fail("node is not on PATH: the interop tests need Node.js to run the grpc-js peers.");
        }
    }

    public static string NodeExecutable => FindNode() ?? "node";

    private static string? FindNode()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "node"))
            .FirstOrDefault(File.Exists);
    }
}
