using System.Diagnostics;
using System.Text.Json;

namespace Dragonfly.LocalCluster;

/// <summary>
/// One component running as a real process (<c>dotnet x.dll args</c>), its output in a log file, ready when
/// it has written its ready file. Dispose kills it.
/// </summary>
public sealed class ComponentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private ComponentProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
    }

    private int _disposed;

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once exited.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The ready file's values once started.</summary>
    public IReadOnlyDictionary<string, JsonElement> Ready { get; private set; } = new Dictionary<string, JsonElement>();

    public int Port(string key) => Ready[key].GetInt32();

    public static async Task<ComponentProcess> StartAsync(string name, string dll, IEnumerable<string> args, string workDir, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(workDir);
        var readyFile = System.IO.Path.Combine(workDir, name + ".ready.json");
        File.Delete(readyFile);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.ArgumentList.Add("--readyFile");
        info.ArgumentList.Add(readyFile);
        info.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var logPath = System.IO.Path.Combine(workDir, name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {name}");
        var component = new ComponentProcess(name, process, log, logPath);
        try
        {
            component.Ready = await WaitForReadyAsync(component, readyFile, timeout, cancellationToken);
            return component;
        }
        catch
        {
            await component.DisposeAsync();
            throw;
        }
    }

    private static async Task<IReadOnlyDictionary<string, JsonElement>> WaitForReadyAsync(ComponentProcess component, string readyFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(25));
        while (!File.Exists(readyFile))
        {
            if (component._process.HasExited)
            {
                throw new InvalidOperationException($"{component.Name} exited with code {component._process.ExitCode} before it was ready; see {component.LogPath}:\n{ReadTail(component.LogPath)}");
            }
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{component.Name} was not ready within {timeout.TotalSeconds:0} s; see {component.LogPath}");
            }
        }
        return JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await File.ReadAllBytesAsync(readyFile, cancellationToken))!;
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>Kills the process and closes its log; calling it again does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await KillAsync();
        await _pumps;
        await _log.DisposeAsync();
        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static string ReadTail(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 20)));
    }
}
