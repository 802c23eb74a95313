namespace Dragonfly.IntegrationTests.Kubernetes.Client;

/// <summary>Sets (or, with null, removes) environment variables of this process and restores the old values when disposed.</summary>
public sealed class EnvironmentOverride : IDisposable
{
    private readonly List<(string Name, string? Value)> _saved = [];

    public EnvironmentOverride(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _saved.Add((name, Environment.GetEnvironmentVariable(name)));
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
