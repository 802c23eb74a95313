using System.Collections.Concurrent;
using System.Diagnostics;

namespace Dragonfly.Grpc.Tests.Support;

/// <summary>A node script started by a test; killed (with its children) on dispose.</summary>
public sealed class NodeProcess : IDisposable
{
    private static readonly TimeSpan KillLimit = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();

    private NodeProcess(Process process) => _process = process;

    public string StandardError => string.Join(Environment.NewLine, _stderr);

    public static NodeProcess Start(string script, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(NodeInterop.NodeExecutable)
        {
            WorkingDirectory = NodeInterop.Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(Path.Combine(NodeInterop.Directory, script));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"node {script} did not start.");
        var node = new NodeProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                node._stderr.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
        return node;
    }

    /// <summary>The next stdout line, or null at the end of output; fails the test when none comes in time.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _process.StandardOutput.ReadLineAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"node wrote no line within {timeout}. stderr:{Environment.NewLine}{StandardError}");
            throw;
        }
    }

    /// <summary>All remaining stdout lines and the exit code; fails the test when the script runs too long.</summary>
    public async Task<(IReadOnlyList<string> Lines, int ExitCode)> ReadToEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var lines = new List<string>();
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                lines.Add(line);
            }

            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"node did not finish within {timeout}. Output so far:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
            throw;
        }

        return (lines, _process.ExitCode);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(KillLimit);
        }

        _process.Dispose();
    }
}
