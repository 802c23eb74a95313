namespace Dragonfly.LocalCluster.Registry;

/// <summary>What a finished command-line tool left behind: its exit code and everything it printed.</summary>
public sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws when the tool failed, with its exit code and standard error in the message.</summary>
    public ToolResult ThrowIfFailed(string what)
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:\n{StdErr.Trim()}\n{StdOut.Trim()}".TrimEnd());
        }
        return this;
    }
}
