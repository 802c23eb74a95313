using System.Diagnostics;
using System.Text.Json;

namespace Dragonfly.LocalCluster;

/// <summary>Runs the real dfget binary as a process.</summary>
public static class Dfget
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="workingDirectory">dfget's current directory, against which a relative output is resolved; null inherits ours.</param>
    public static async Task<DfgetResult> RunAsync(string daemon, string url, string output, IEnumerable<string> extraArgs, CancellationToken cancellationToken,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory ?? "" };
        foreach (var arg in new[] { ComponentBinaries.Dfget, url, "-O", output, "--daemon", daemon, "--json" }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dfget");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var summaryLine = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        var summary = process.ExitCode == 0 && summaryLine is not null ? JsonSerializer.Deserialize<DfgetSummary>(summaryLine, Json) : null;
        return new DfgetResult(process.ExitCode, await stderr, summary);
    }
}
