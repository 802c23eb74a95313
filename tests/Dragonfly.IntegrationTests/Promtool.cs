using Dragonfly.LocalCluster.Registry;

namespace Dragonfly.IntegrationTests;

/// <summary>Debian's <c>promtool check metrics</c> over a scraped /metrics text.</summary>
public static class Promtool
{
    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> and fails the test when promtool rejects it.</summary>
    public static async Task AssertValidAsync(string text, string file, string what, CancellationToken cancellationToken)
    {
        await File.WriteAllTextAsync(file, text, cancellationToken);
        var check = await ToolProcess.RunAsync("sh", ["-c", $"promtool check metrics < '{file}'"], TimeSpan.FromSeconds(30), cancellationToken);
        Assert.That(check.ExitCode, Is.Zero, $"promtool check metrics on {what}:\n{check.StdOut}{check.StdErr}\n{text}");
    }
}
