using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dragonfly.IntegrationTests.Kubernetes.Runtime;

/// <summary>Keeps what the runtime logs, so a test can assert on it and show it when it fails.</summary>
public sealed class TestLog : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<(LogLevel Level, string Line)> _entries = new();
    private bool _disposed;

    public TestLog() => Factory = LoggerFactory.Create(builder => builder.AddProvider(this).SetMinimumLevel(LogLevel.Debug));

    public ILoggerFactory Factory { get; }

    public ILogger<T> For<T>() => Factory.CreateLogger<T>();

    public IReadOnlyList<string> Lines(LogLevel atLeast = LogLevel.Trace) =>
        _entries.Where(e => e.Level >= atLeast).Select(e => e.Line).ToList();

    public override string ToString() => string.Join('\n', _entries.Select(e => e.Line));

    ILogger ILoggerProvider.CreateLogger(string categoryName) => this;

    IDisposable? ILogger.BeginScope<TState>(TState state) => null;

    bool ILogger.IsEnabled(LogLevel logLevel) => true;

    void ILogger.Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{logLevel}: {formatter(state, exception)}";
        _entries.Enqueue((logLevel, exception is null ? line : $"{line} ({exception.GetType().Name}: {exception.Message})"));
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            Factory.Dispose();
        }
    }
}
