using System.Diagnostics;

namespace Dragonfly.LocalCluster.Registry;

/// <summary>
/// Runs a command-line tool to completion and captures its output. A tool still running at the timeout, or
/// when the caller cancels, is killed with its whole process tree.
/// </summary>
public static class ToolProcess
{
    public static async Task<ToolResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            await Task.WhenAll(stdout, stderr);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s and was killed; stderr:\n{await stderr}");
        }
        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
